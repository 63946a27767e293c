package io.bagsflow.workflows.pipeline;

/**
 * The types of the application failures that activities report to the pipeline workflow. {@link #name()} is the
 * Temporal failure type on the wire ({@code ApplicationFailure.getType()}), so the constants keep the spelling that
 * recorded histories carry.
 */
public enum FailureType {
    /** Bad input; never retried automatically: it fails the same way every time. */
    InvalidInput,
    /**
     * An input whose stored bytes are corrupt, made by an earlier stage of the run; details: that stage's name and
     * the bytes' hash. Not retried as is: the workflow makes the earlier stage again, once.
     */
    CorruptInput,
    /** The worker running an attempt is gone (found by the reconciler); retried like any transient failure. */
    WorkerLost;

    /** Whether {@code type} (an {@code ApplicationFailure}'s type) is this one. */
    public boolean is(String type) {
        return name().equals(type);
    }
}

package io.bagsflow.model;

/**
 * The named kinds of stage failure. {@link #name()} is the wire name in two places, so the constants keep the
 * spelling that recorded histories and stored rows carry: the Temporal failure type of the application failures
 * that activities report to the pipeline workflow ({@code ApplicationFailure.getType()}), and the error class a
 * failed attempt records ({@code stage_attempt.error_class}, the start of an attempt's {@code error} in
 * {@code runs show --json}). A failure of no named kind is recorded and reported under its Java class name.
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
    WorkerLost,
    /**
     * The attempt was stopped by Temporal (the run was aborted, the attempt timed out or the run ended); an error
     * class only: the cancellation itself goes back to Temporal unchanged.
     */
    Cancelled,
    /**
     * Stored bytes did not match their hash (the attempt's own, or an input whose producer is unknown); retried: the
     * retry makes them again. Corrupt input of an earlier stage is reported as {@link #CorruptInput} instead.
     */
    CorruptArtifact,
    /** The database stayed unreachable for the whole outage window; retried. */
    DatabaseUnavailable,
    /** The S3 server stayed unreachable for the whole outage window; retried. */
    S3Unavailable,
    /**
     * The worker's process was stopped (Ctrl-C, SIGTERM) while the attempt ran: the work stopped at its next
     * progress report and recorded this; retried (a training continues from its last uploaded checkpoint).
     */
    WorkerStopped,
    /**
     * An error class only: an attempt still open when its run ended (failed, or was marked ended by the reconciler),
     * closed by that end.
     */
    RunEnded,
    /** An error class only: an attempt still open when its run was aborted, closed by the abort. */
    Aborted;

    /** Whether {@code type} (an {@code ApplicationFailure}'s type or an attempt's error class) is this one. */
    public boolean is(String type) {
        return name().equals(type);
    }
}

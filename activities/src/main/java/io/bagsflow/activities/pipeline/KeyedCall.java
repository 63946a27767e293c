package io.bagsflow.activities.pipeline;

/**
 * A {@link StageCall} once its key is computed, with the time it began: what reuse and the attempt records need of
 * it, passed as one value between {@link StageRunner} and its helpers.
 */
record KeyedCall(StageCall call, String key, long startNanos) {

    /** Seconds since the call began, for {@link io.bagsflow.model.pipeline.StageResult#seconds}. */
    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

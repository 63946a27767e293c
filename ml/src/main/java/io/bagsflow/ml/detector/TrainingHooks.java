package io.bagsflow.ml.detector;

import java.nio.file.Path;

/**
 * Hooks into a training run. Both methods run on the training thread; an exception thrown from either stops
 * training and propagates to the caller (how an orchestrator cancels a run). Not DJL's
 * {@code ai.djl.training.listener.TrainingListener}: our trainers run their own loop and call only these two.
 */
public interface TrainingHooks {

    TrainingHooks NONE = new TrainingHooks() {};

    /** The hooks a caller passed, or {@link #NONE} for null (callers that want no progress may pass null). */
    static TrainingHooks orNone(TrainingHooks hooks) {
        return hooks != null ? hooks : NONE;
    }

    /** Every {@code progressInterval} iterations, and once at the end. */
    default void onProgress(TrainingProgress progress) {}

    /**
     * After a checkpoint file was written. The trainer deletes the previous periodic checkpoint when it writes
     * the next one, so copy or upload the file here if it must outlive that.
     */
    default void onCheckpoint(Path file, int iteration) {}
}

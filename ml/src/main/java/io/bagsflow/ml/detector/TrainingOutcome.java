package io.bagsflow.ml.detector;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a training run (named apart from DJL's {@code ai.djl.training.TrainingResult}, which our trainers
 * do not produce).
 *
 * @param checkpoint      the final model: one file that inference and fine-tuning read
 * @param lossCurve       loss means per progress interval, over the whole run (resumed runs included)
 * @param skippedSteps    steps skipped for a non-finite loss or gradient
 * @param imagesPerSecond images per second of training steps in this process (excludes set-up such as image
 *                        loading or building a feature cache; base training also leaves out its first
 *                        warm-up steps, 10 % of the run and at most 20)
 * @param seconds         wall time of this call, set-up included
 */
public record TrainingOutcome(
        Path checkpoint, List<LossPoint> lossCurve, int skippedSteps, double imagesPerSecond, double seconds) {

    public TrainingOutcome {
        lossCurve = List.copyOf(lossCurve);
    }
}

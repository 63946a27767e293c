package io.bagsflow.ml.detector;

import java.util.Map;

/**
 * Where a training run stands.
 *
 * @param stage           {@code base} or {@code retrain-<method>}
 * @param iteration       steps done
 * @param losses          mean of each loss over the iterations since the previous report
 * @param imagesPerSecond training throughput over the same iterations
 * @param skippedSteps    steps skipped so far for a non-finite loss or gradient
 */
public record TrainingProgress(
        String stage,
        int iteration,
        int totalIterations,
        Map<String, Double> losses,
        double imagesPerSecond,
        double learningRate,
        int skippedSteps) {

    public TrainingProgress {
        losses = Map.copyOf(losses);
    }
}

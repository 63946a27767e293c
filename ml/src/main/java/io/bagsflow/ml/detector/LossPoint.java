package io.bagsflow.ml.detector;

import java.util.Map;

/** One point of a loss curve: the mean of each loss over the {@code progressInterval} steps ending here. */
public record LossPoint(int iteration, Map<String, Double> losses) {

    public LossPoint {
        losses = Map.copyOf(losses);
    }

    /** The sum of the parts. */
    public double total() {
        return losses.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}

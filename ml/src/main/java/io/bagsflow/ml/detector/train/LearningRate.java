package io.bagsflow.ml.detector.train;

import java.util.List;

/** Linear warm-up from {@code base * warmupRatio}, then step decay by {@code gamma} at fractions of the run. */
public record LearningRate(
        double base, int warmupIterations, double warmupRatio, List<Double> steps, double gamma, int iterations) {

    public double at(int iteration) {
        double lr = base;
        for (double s : steps) {
            if (iteration >= (int) Math.round(s * iterations)) {
                lr *= gamma;
            }
        }
        if (iteration < warmupIterations) {
            double k = (1 - (double) iteration / warmupIterations) * (1 - warmupRatio);
            lr *= 1 - k;
        }
        return lr;
    }
}

package io.bagsflow.ml.detector;

import java.util.Locale;

/**
 * How a base detector's classifier is retrained with everything else frozen. Each gives a model of its own.
 */
public enum RetrainMethod {
    /** Balanced Group Softmax: the grouped classifier, images sampled uniformly. */
    BAGS,
    /** Plain softmax, images sampled uniformly: what retraining the classifier alone is worth. */
    CONTROL,
    /** Plain softmax, class-balanced image sampling (cRT, decoupling paper). */
    CRT,
    /** Plain softmax, images drawn by LVIS repeat factors r(c) = max(1, sqrt(t / f(c))). */
    RFS,
    /**
     * Plain softmax with a class-weighted cross-entropy, images sampled uniformly: the paper's re-weight-cls
     * baseline (weights in {@link ReweightedClassifier}).
     */
    REWEIGHT_CLS,
    /**
     * No retraining: the base classifier's class rows divided by their norm to the power tau (Kang et al.,
     * decoupling), tau chosen by LVIS AP on val ({@link TauNormSearch}).
     */
    TAU_NORM;

    /** The checkpoint stage name, e.g. {@code retrain-bags}. */
    public String stage() {
        return "retrain-" + name().toLowerCase(Locale.ROOT);
    }
}

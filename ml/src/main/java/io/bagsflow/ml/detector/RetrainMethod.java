package io.bagsflow.ml.detector;

import java.util.Locale;

/**
 * How a base detector's classifier is retrained with everything else frozen. Each gives a model of its own, whose
 * kind (the name runs, specs and reports use for it: {@code bags}, {@code control}, ...) is {@link #kind()}.
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

    /** The kind of the model this method makes: the constant's name in lower case, e.g. {@code bags}. */
    public String kind() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The method that makes models of {@code kind}; the error lists the kinds there are. */
    public static RetrainMethod ofKind(String kind) {
        for (RetrainMethod m : values()) {
            if (m.kind().equals(kind)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model kind '" + kind + "': use one of "
                + java.util.Arrays.stream(values()).map(RetrainMethod::kind).toList());
    }

    /** The checkpoint stage name, e.g. {@code retrain-bags}. */
    public String stage() {
        return "retrain-" + kind();
    }
}

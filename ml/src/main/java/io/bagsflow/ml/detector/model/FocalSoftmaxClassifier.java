package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The plain C+1 softmax trained with the focal loss (Lin et al., "Focal Loss for Dense Object Detection", ICCV
 * 2017) in its softmax form, the BAGS paper's focal-loss baselines (rows 8 and 9): each RoI's cross-entropy is
 * multiplied by {@code (1 - p_y)^gamma}, p_y the softmax probability of its label, so well-classified RoIs (most
 * background and frequent-class RoIs) weigh less. gamma = 2 as in the focal-loss paper; no alpha, which belongs
 * to the sigmoid form. The factor is part of the graph, as in the paper (its gradient is taken).
 *
 * <p>Only training differs: the checkpoint is read back (and evaluated) as a {@link SoftmaxClassifier}.
 */
public final class FocalSoftmaxClassifier implements VariantClassifier {

    public static final double GAMMA = 2.0;

    private final SoftmaxClassifier plain;
    private final double gamma;

    public FocalSoftmaxClassifier(int numClasses, double gamma) {
        this.plain = new SoftmaxClassifier(numClasses);
        this.gamma = gamma;
    }

    @Override
    public SoftmaxClassifier plain() {
        return plain;
    }

    /** {@code -sum(targets * (1 - p)^gamma * log p)}: targets are non-zero only at each RoI's label. */
    @Override
    public NDArray loss(NDManager manager, NDArray logits, float[] targets) {
        NDArray logp = logits.logSoftmax(1);
        NDArray focus = logp.exp().neg().add(1).pow(gamma);
        return manager.create(targets, logits.getShape())
                .mul(focus)
                .mul(logp)
                .sum()
                .neg();
    }
}

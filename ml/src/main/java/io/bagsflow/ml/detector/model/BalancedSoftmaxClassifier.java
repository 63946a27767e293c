package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Balanced Softmax (Ren et al., "Balanced Meta-Softmax for Long-Tailed Visual Recognition", NeurIPS 2020), which
 * is logit adjustment with tau = 1 (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021): during
 * training each class logit gets {@code + log n(c)}, n(c) its training instances, so the softmax is fitted to the
 * training prior and the bare logits (used at test time) to a uniform one.
 *
 * <p>Adapted to a detector's C+1 softmax: background is not a class of the long tail and its logit gets no offset;
 * the class offsets are centred, {@code log n(c) - mean_k log n(k)}, so that on average the foreground/background
 * balance is left to the learned background row (a constant added to every class logit would move it). Counts
 * under 1 count as 1. Only training differs: the checkpoint is read back as a {@link SoftmaxClassifier}.
 */
public final class BalancedSoftmaxClassifier implements VariantClassifier {

    private final SoftmaxClassifier plain;
    private final float[] offsets;

    /** @param instanceCounts training instances of labels 1..C, at index label - 1 */
    public BalancedSoftmaxClassifier(int[] instanceCounts) {
        this.plain = new SoftmaxClassifier(instanceCounts.length);
        this.offsets = offsets(instanceCounts);
    }

    /** The logit offset of each label 0..C during training (0 for background). */
    public static float[] offsets(int[] instanceCounts) {
        double mean = 0;
        for (int n : instanceCounts) {
            mean += Math.log(Math.max(n, 1));
        }
        mean /= Math.max(instanceCounts.length, 1);
        float[] out = new float[instanceCounts.length + 1];
        for (int c = 0; c < instanceCounts.length; c++) {
            out[c + 1] = (float) (Math.log(Math.max(instanceCounts[c], 1)) - mean);
        }
        return out;
    }

    public float[] offsets() {
        return offsets.clone();
    }

    @Override
    public SoftmaxClassifier plain() {
        return plain;
    }

    @Override
    public NDArray loss(NDManager manager, NDArray logits, float[] targets) {
        NDArray t = manager.create(targets, logits.getShape());
        NDArray shifted = logits.add(manager.create(offsets, new Shape(1, offsets.length)));
        return t.mul(shifted.logSoftmax(1)).sum().neg();
    }
}

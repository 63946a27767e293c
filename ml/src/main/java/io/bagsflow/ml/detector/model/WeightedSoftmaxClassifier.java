package io.bagsflow.ml.detector.model;

import io.bagsflow.ml.detector.train.Rng;

/**
 * The plain C+1 softmax trained with a class-weighted cross-entropy: the re-weighting baseline ("re-weight-cls")
 * of the BAGS paper. The loss is {@code sum_i w(y_i) * CE_i / n} over the n valid RoIs, with {@code w(0) = 1} for
 * background and the class weights given (for the baseline, inverse training instance counts with mean 1 over
 * the classes, see {@code ClassWeights}). Dividing by n rather than by the sum of the weights keeps a batch of
 * mostly background RoIs at the scale of the plain loss, as mmdetection's {@code avg_factor} does.
 *
 * <p>Only training differs: the layout and the probabilities are the plain softmax's, so the retrained checkpoint
 * is read back (and evaluated) as a {@link SoftmaxClassifier}.
 */
public final class WeightedSoftmaxClassifier implements VariantClassifier {

    private final SoftmaxClassifier plain;
    private final float[] weightByLabel;

    /** @param classWeights weight of label 1..C, at index label - 1 */
    public WeightedSoftmaxClassifier(double[] classWeights) {
        this.plain = new SoftmaxClassifier(classWeights.length);
        this.weightByLabel = new float[classWeights.length + 1];
        weightByLabel[0] = 1f;
        for (int l = 1; l <= classWeights.length; l++) {
            double w = classWeights[l - 1];
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(
                        "class weight of label " + l + " is " + w + ": must be finite and > 0");
            }
            weightByLabel[l] = (float) w;
        }
    }

    /** The loss weight of each label, background (label 0) first. */
    public float[] weightByLabel() {
        return weightByLabel.clone();
    }

    @Override
    public SoftmaxClassifier plain() {
        return plain;
    }

    @Override
    public float[] targets(int[] labels, boolean[] valid, Rng rng) {
        int k = weightByLabel.length;
        int count = 0;
        for (boolean v : valid) {
            count += v ? 1 : 0;
        }
        float[] t = new float[labels.length * k];
        float norm = 1f / Math.max(count, 1);
        for (int i = 0; i < labels.length; i++) {
            if (valid[i]) {
                t[i * k + labels[i]] = weightByLabel[labels[i]] * norm;
            }
        }
        return t;
    }
}

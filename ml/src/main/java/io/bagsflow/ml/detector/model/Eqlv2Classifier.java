package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Equalization Loss v2 (Tan et al., "Equalization Loss v2: A New Gradient Balance Approach for Long-tailed Object
 * Detection", CVPR 2021; tztztztztz/eqlv2 {@code mmdet/models/losses/eqlv2.py}): C+1 sigmoids trained with binary
 * cross-entropy whose positive and negative terms are re-weighted per class by the ratio of the positive to the
 * negative gradient that class has accumulated so far: {@code neg_w(c) = 1 / (1 + exp(-gamma (r(c) - mu)))},
 * {@code pos_w(c) = 1 + alpha (1 - neg_w(c))}, r(c) = accumulated positive / negative gradient magnitude; the
 * background (objectness) output always weighs 1. Before any gradient is collected every weight is 1, as in the
 * official code. gamma = 12, mu = 0.8, alpha = 4 (the official defaults). The loss is divided by the RoI count.
 *
 * <p>Scores: see {@link SigmoidClassifier}, the layout the checkpoint is read back as. Adapted for a
 * classifier-only stage: the gradient statistics start at zero when retraining starts (the official code starts
 * them with the whole detector's training), and the classifier starts as the {@code init} policy says.
 */
public final class Eqlv2Classifier implements VariantClassifier {

    public static final double GAMMA = 12;
    public static final double MU = 0.8;
    public static final double ALPHA = 4;

    private final SigmoidClassifier plain;
    private final int numClasses;
    private final double[] posGrad;
    private final double[] negGrad;
    private boolean collected;

    public Eqlv2Classifier(int numClasses) {
        this.plain = new SigmoidClassifier(numClasses);
        this.numClasses = numClasses;
        this.posGrad = new double[numClasses + 1];
        this.negGrad = new double[numClasses + 1];
    }

    /** The negative weight of each output 0..C (background: 1) from the gradients collected so far. */
    public float[] negativeWeights() {
        float[] w = new float[numClasses + 1];
        w[0] = 1;
        for (int c = 1; c <= numClasses; c++) {
            if (!collected) {
                w[c] = 1;
            } else {
                double ratio = posGrad[c] / (negGrad[c] + 1e-10);
                w[c] = (float) (1 / (1 + Math.exp(-GAMMA * (ratio - MU))));
            }
        }
        return w;
    }

    /** The weighted loss of this step; then this step's gradient magnitudes join the statistics. */
    @Override
    public SigmoidClassifier plain() {
        return plain;
    }

    @Override
    public NDArray loss(NDManager manager, NDArray logits, float[] targets) {
        int k = numClasses + 1;
        TargetRows rows = TargetRows.of(targets, k, 0, k);
        float[] neg = negativeWeights();
        float[] weights = new float[targets.length];
        float[] perOutput = new float[targets.length];
        for (int i = 0; i < rows.column().length; i++) {
            for (int j = 0; j < k; j++) {
                boolean positive = rows.column()[i] == j;
                float w = positive ? (float) (1 + ALPHA * (1 - neg[j])) : neg[j];
                perOutput[i * k + j] = w;
                weights[i * k + j] = w * rows.weight()[i];
            }
        }
        NDArray loss = SigmoidClassifier.weightedBce(manager, logits, rows, weights, k);
        collect(logits.toFloatArray(), rows, perOutput, k);
        return loss;
    }

    /** |dBCE/dz| = |sigmoid(z) - y|, weighted, summed per class over the valid RoIs (background not collected). */
    private void collect(float[] logits, TargetRows rows, float[] weights, int k) {
        for (int i = 0; i < rows.column().length; i++) {
            if (rows.column()[i] < 0) {
                continue;
            }
            for (int c = 1; c < k; c++) {
                double p = SigmoidClassifier.sigmoid(logits[i * k + c]);
                if (rows.column()[i] == c) {
                    posGrad[c] += (1 - p) * weights[i * k + c];
                } else {
                    negGrad[c] += p * weights[i * k + c];
                }
            }
        }
        collected = true;
    }
}

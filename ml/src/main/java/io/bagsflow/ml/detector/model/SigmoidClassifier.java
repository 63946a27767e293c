package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bagsflow.ml.detector.train.Rng;

/**
 * C+1 independent sigmoids, background ("objectness" in EQLv2's code) first: the inference form of the EQLv2
 * classifier ({@link Eqlv2Classifier}). Scores are formed as EQLv2's {@code get_activation}
 * (tztztztztz/eqlv2, {@code mmdet/models/losses/eqlv2.py}) does: a class scores {@code sigmoid(z_c) * (1 -
 * sigmoid(z_bg))}; the background column holds {@code sigmoid(z_bg)}. Trained alone it is the plain binary
 * cross-entropy, each RoI's one-hot target over all C+1 outputs.
 */
public record SigmoidClassifier(ClassifierLayout layout) implements Classifier {

    public SigmoidClassifier(int numClasses) {
        this(ClassifierLayout.sigmoid(numClasses));
    }

    @Override
    public float[] probabilities(float[] logits, int n) {
        int k = layout.numClasses() + 1;
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            double bg = sigmoid(logits[i * k]);
            out[i * k] = (float) bg;
            for (int c = 1; c < k; c++) {
                out[i * k + c] = (float) (sigmoid(logits[i * k + c]) * (1 - bg));
            }
        }
        return out;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** One-hot rows weighted 1/n over the n valid RoIs, as the softmax's: EQLv2 divides by the RoI count. */
    @Override
    public float[] targets(int[] labels, boolean[] valid, Rng rng) {
        return new SoftmaxClassifier(layout.numClasses()).targets(labels, valid, rng);
    }

    @Override
    public NDArray loss(NDManager manager, NDArray logits, float[] targets) {
        int k = layout.numClasses() + 1;
        TargetRows rows = TargetRows.of(targets, k, 0, k);
        float[] weights = new float[targets.length];
        for (int i = 0; i < rows.column().length; i++) {
            for (int j = 0; j < k; j++) {
                weights[i * k + j] = rows.weight()[i];
            }
        }
        return weightedBce(manager, logits, rows, weights, k);
    }

    /**
     * {@code sum_ij weights_ij * BCE(z_ij, y_ij)}, y the one-hot label of each row, in the stable form {@code
     * max(z, 0) - z y + log(1 + exp(-|z|))}.
     */
    static NDArray weightedBce(NDManager manager, NDArray logits, TargetRows rows, float[] weights, int k) {
        float[] y = new float[weights.length];
        for (int i = 0; i < rows.column().length; i++) {
            if (rows.column()[i] >= 0) {
                y[i * k + rows.column()[i]] = 1;
            }
        }
        NDArray yy = manager.create(y, logits.getShape());
        NDArray w = manager.create(weights, logits.getShape());
        NDArray bce = logits.maximum(0)
                .sub(logits.mul(yy))
                .add(logits.abs().neg().exp().add(1).log());
        return bce.mul(w).sum();
    }
}

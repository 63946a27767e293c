package io.bagsflow.ml.detector.model;

import io.bagsflow.ml.detector.train.Rng;

/** The plain C+1 softmax classifier of the base detector (and the non-BAGS retraining baselines). */
public record SoftmaxClassifier(ClassifierLayout layout) implements Classifier {

    public SoftmaxClassifier(int numClasses) {
        this(ClassifierLayout.softmax(numClasses));
    }

    @Override
    public float[] probabilities(float[] logits, int n) {
        int k = layout.numClasses() + 1;
        double[] p = new double[k];
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            Classifier.softmax(logits, i * k, k, p, 0);
            for (int j = 0; j < k; j++) {
                out[i * k + j] = (float) p[j];
            }
        }
        return out;
    }

    /** Mean cross-entropy over the valid RoIs. */
    @Override
    public float[] targets(int[] labels, boolean[] valid, Rng rng) {
        int k = layout.numClasses() + 1;
        int n = labels.length;
        int count = 0;
        for (boolean v : valid) {
            count += v ? 1 : 0;
        }
        float[] t = new float[n * k];
        float w = 1f / Math.max(count, 1);
        for (int i = 0; i < n; i++) {
            if (valid[i]) {
                t[i * k + labels[i]] = w;
            }
        }
        return t;
    }
}

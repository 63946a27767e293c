package io.bagsflow.ml.detector.model;

import io.bagsflow.ml.detector.train.Rng;

/**
 * An objectness softmax over (background, foreground) beside a softmax over the C classes, C+2 logits in that
 * order: the inference form of the Seesaw classifier ({@link SeesawClassifier}), as mmdetection's {@code
 * Shared2FCBBoxHead} with {@code SeesawLoss} forms scores ({@code get_activation}: class probabilities times the
 * foreground probability; background column the background probability). Trained alone it is the sum of the
 * objectness cross-entropy over every RoI and the class cross-entropy over the foreground RoIs, both divided by
 * the RoI count.
 */
public final class ObjectnessSoftmaxClassifier implements Classifier {

    private final ClassifierLayout layout;

    public ObjectnessSoftmaxClassifier(int numClasses) {
        this.layout = ClassifierLayout.objectnessSoftmax(numClasses);
    }

    @Override
    public ClassifierLayout layout() {
        return layout;
    }

    @Override
    public int[][] slices() {
        return new int[][] {{0, 2}, {2, layout.numClasses()}};
    }

    @Override
    public float[] probabilities(float[] logits, int n) {
        int c = layout.numClasses();
        int k = c + 2;
        double[] obj = new double[2];
        double[] cls = new double[c];
        float[] out = new float[n * (c + 1)];
        for (int i = 0; i < n; i++) {
            Classifier.softmax(logits, i * k, 2, obj, 0);
            Classifier.softmax(logits, i * k + 2, c, cls, 0);
            out[i * (c + 1)] = (float) obj[0];
            for (int j = 0; j < c; j++) {
                out[i * (c + 1) + 1 + j] = (float) (cls[j] * obj[1]);
            }
        }
        return out;
    }

    /** Objectness target 0 (background) or 1, and for a foreground RoI its class at column 1 + label; 1/n each. */
    @Override
    public float[] targets(int[] labels, boolean[] valid, Rng rng) {
        int k = layout.numClasses() + 2;
        int count = 0;
        for (boolean v : valid) {
            count += v ? 1 : 0;
        }
        float w = 1f / Math.max(count, 1);
        float[] t = new float[labels.length * k];
        for (int i = 0; i < labels.length; i++) {
            if (!valid[i]) {
                continue;
            }
            t[i * k + (labels[i] == 0 ? 0 : 1)] = w;
            if (labels[i] > 0) {
                t[i * k + 1 + labels[i]] = w;
            }
        }
        return t;
    }
}

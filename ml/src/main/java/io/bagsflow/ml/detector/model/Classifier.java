package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.train.Rng;

/**
 * The last layer of the box head: features to class scores. Parameters are named {@code cls.w} (K x D) and
 * {@code cls.b}. Both kinds train with softmax cross-entropy inside slices of the logits ("groups"; a plain
 * softmax is one group), expressed as a target matrix so one loss function serves both.
 */
public sealed interface Classifier
        permits SoftmaxClassifier, GroupSoftmaxHead, SigmoidClassifier, ObjectnessSoftmaxClassifier, VariantClassifier {

    String WEIGHT = "cls.w";
    String BIAS = "cls.b";

    ClassifierLayout layout();

    /** The classifier that reads a checkpoint of this layout (the inference form; training may differ). */
    static Classifier of(ClassifierLayout layout) {
        return switch (layout.kind()) {
            case ClassifierLayout.GROUP_SOFTMAX -> new GroupSoftmaxHead(layout);
            case ClassifierLayout.SIGMOID -> new SigmoidClassifier(layout.numClasses());
            case ClassifierLayout.OBJECTNESS_SOFTMAX -> new ObjectnessSoftmaxClassifier(layout.numClasses());
            // the layout as stored: a plain softmax may read the pooled conv features (NCM-conv)
            default -> new SoftmaxClassifier(layout);
        };
    }

    /** Defines {@code cls.w} and {@code cls.b} with the reference init (normal, std 0.01; zero bias). */
    default void define(Parameters p, Rng rng, int inputDim) {
        int k = layout().logits();
        p.add(WEIGHT, Init.normal(rng, k * inputDim, 0.01), new Shape(k, inputDim), false);
        p.add(BIAS, new float[k], new Shape(k), false);
    }

    /** {weights, bias} of the reference init for k outputs: N(0, 0.01) weights, zero bias. */
    static float[][] randomInit(Rng rng, int k, int inputDim) {
        return new float[][] {Init.normal(rng, k * inputDim, 0.01), new float[k]};
    }

    default NDArray logits(Parameters p, NDArray features) {
        return Nn.linear(p, "cls", features);
    }

    /** The parameters a classifier-only retraining updates: all of {@code cls.*} unless a method says otherwise. */
    default java.util.function.Predicate<String> trainableParameters() {
        return n -> n.startsWith("cls.");
    }

    /**
     * Per-group start and length of the logits: by default one group over all C+1 outputs (the plain softmax and the
     * sigmoid classifiers); BAGS and the objectness classifier have several.
     */
    default int[][] slices() {
        return new int[][] {{0, layout().numClasses() + 1}};
    }

    /**
     * Class probabilities (n x (C+1), background in column 0) from logits (n x K), computed in Java in double
     * precision so that scores do not depend on how the engine batches.
     */
    float[] probabilities(float[] logits, int n);

    /**
     * The loss targets for n RoIs: entry (i, k) weights the log-probability of logit k of RoI i, already
     * divided by its group's normaliser, so the loss is {@code -sum(targets * groupLogSoftmax(logits))}.
     *
     * @param labels class label of each RoI (0 background)
     * @param valid  false for padding entries, which take no part
     */
    float[] targets(int[] labels, boolean[] valid, Rng rng);

    /** Softmax cross-entropy inside each slice, weighted by {@code targets} (n x K). */
    default NDArray loss(NDManager manager, NDArray logits, float[] targets) {
        NDArray t = manager.create(targets, logits.getShape());
        return t.mul(groupLogSoftmax(logits)).sum().neg();
    }

    default NDArray groupLogSoftmax(NDArray logits) {
        int[][] s = slices();
        if (s.length == 1) {
            return logits.logSoftmax(1);
        }
        NDList parts = new NDList(s.length);
        for (int[] slice : s) {
            parts.add(logits.get(new NDIndex(":, {}:{}", slice[0], slice[0] + slice[1]))
                    .logSoftmax(1));
        }
        return NDArrays.concat(parts, 1);
    }

    /** Softmax of {@code len} logits at {@code from} into {@code out[to ..]}, in double precision. */
    static void softmax(float[] logits, int from, int len, double[] out, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < len; k++) {
            max = Math.max(max, logits[from + k]);
        }
        double sum = 0;
        for (int k = 0; k < len; k++) {
            out[to + k] = Math.exp(logits[from + k] - max);
            sum += out[to + k];
        }
        for (int k = 0; k < len; k++) {
            out[to + k] /= sum;
        }
    }
}

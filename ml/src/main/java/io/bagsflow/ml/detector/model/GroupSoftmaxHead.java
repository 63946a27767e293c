package io.bagsflow.ml.detector.model;

import io.bagsflow.ml.detector.train.Rng;
import java.util.Arrays;

/**
 * The Balanced Group Softmax classifier (BAGS, CVPR 2020), following the reference's {@code GSBBoxHeadWith0}:
 * C+G+2 logits in G+1 slices. Training: softmax cross-entropy inside every group; group 0 (background vs
 * foreground) on every RoI; group g on its own positives plus "others" RoIs (background and other groups'
 * classes) drawn at {@code othersSampleRatio} times its positives (all of them when fewer exist); a group with
 * no positives contributes nothing. Each group's loss is its weighted mean, and the groups' losses add up.
 * With per-bin weights ({@code gs_bbox_head_with0_reweight}) each RoI of group g counts with the weight of its
 * bin label (others: 1), and the group's loss is divided by the sum of the weights (at least 1).
 * Scores ({@code _merge_score}): softmax inside each group; a class scores its in-group probability times the
 * foreground probability of group 0; "others" is dropped; background is group 0's background probability.
 */
public final class GroupSoftmaxHead implements Classifier {

    private final ClassifierLayout layout;
    private final double othersSampleRatio;
    private final float[][] binWeights; // [group][bin label], null: every RoI counts 1

    public GroupSoftmaxHead(ClassifierLayout layout) {
        this(layout, 8.0);
    }

    public GroupSoftmaxHead(ClassifierLayout layout, double othersSampleRatio) {
        this(layout, othersSampleRatio, null);
    }

    /** @param binWeights per group, the weight of each bin label (index 0: others); null for none */
    public GroupSoftmaxHead(ClassifierLayout layout, double othersSampleRatio, float[][] binWeights) {
        if (!layout.grouped()) {
            throw new IllegalArgumentException("GroupSoftmaxHead needs a group-softmax layout, got " + layout);
        }
        this.layout = layout;
        this.othersSampleRatio = othersSampleRatio;
        this.binWeights = binWeights;
    }

    /**
     * The official re-weighting ({@code get_bin_weight}): in each foreground group, class l weighs
     * {@code 1 / n_l} divided by the mean of that over the group's classes, clipped to [0.1, 5]; "others" weighs
     * 1; group 0 is not weighted. A class without training instances counts as one instance (the official
     * counts are never 0).
     *
     * @param instanceCounts training instances of class label l at index l - 1
     * @return [group][bin label]; row 0 (group 0) all ones
     */
    public static float[][] inverseCountWeights(ClassifierLayout layout, int[] instanceCounts) {
        int[][] slices = layout.predSlice();
        int[][] l2b = layout.label2binlabel();
        float[][] w = new float[slices.length][];
        w[0] = new float[slices[0][1]];
        Arrays.fill(w[0], 1f);
        for (int g = 1; g < slices.length; g++) {
            double[] inverse = new double[slices[g][1]];
            double sum = 0;
            int n = 0;
            for (int l = 1; l < l2b[g].length; l++) {
                if (l2b[g][l] > 0) {
                    inverse[l2b[g][l]] = 1.0 / Math.max(instanceCounts[l - 1], 1);
                    sum += inverse[l2b[g][l]];
                    n++;
                }
            }
            w[g] = new float[slices[g][1]];
            w[g][0] = 1f;
            for (int b = 1; b < w[g].length; b++) {
                w[g][b] = (float) Math.min(5, Math.max(0.1, inverse[b] / (sum / n)));
            }
        }
        return w;
    }

    @Override
    public ClassifierLayout layout() {
        return layout;
    }

    @Override
    public int[][] slices() {
        return layout.predSlice();
    }

    @Override
    public float[] probabilities(float[] logits, int n) {
        int c = layout.numClasses();
        int k = layout.logits();
        int[][] slices = layout.predSlice();
        int[][] l2b = layout.label2binlabel();
        int[] group = layout.groupOfLabel();
        double[] p = new double[k];
        float[] out = new float[n * (c + 1)];
        for (int i = 0; i < n; i++) {
            for (int[] s : slices) {
                Classifier.softmax(logits, i * k + s[0], s[1], p, s[0]);
            }
            double foreground = p[slices[0][0] + 1];
            out[i * (c + 1)] = (float) p[slices[0][0]];
            for (int l = 1; l <= c; l++) {
                int g = group[l];
                out[i * (c + 1) + l] = (float) (p[slices[g][0] + l2b[g][l]] * foreground);
            }
        }
        return out;
    }

    @Override
    public float[] targets(int[] labels, boolean[] valid, Rng rng) {
        int n = labels.length;
        int k = layout.logits();
        int[][] slices = layout.predSlice();
        int[][] l2b = layout.label2binlabel();
        float[] t = new float[n * k];
        for (int g = 0; g < slices.length; g++) {
            int[] bin = new int[n];
            boolean[] use = new boolean[n];
            int[] positives = new int[n];
            int[] others = new int[n];
            int np = 0;
            int no = 0;
            for (int i = 0; i < n; i++) {
                if (!valid[i]) {
                    continue;
                }
                bin[i] = l2b[g][labels[i]];
                if (bin[i] > 0) {
                    positives[np++] = i;
                } else {
                    others[no++] = i;
                }
            }
            if (g == 0) {
                System.arraycopy(valid, 0, use, 0, n);
            } else {
                if (np == 0) {
                    continue;
                }
                for (int a = 0; a < np; a++) {
                    use[positives[a]] = true;
                }
                int wanted = (int) (np * othersSampleRatio);
                int[] chosen = wanted >= no ? Arrays.copyOf(others, no) : rng.sample(Arrays.copyOf(others, no), wanted);
                for (int i : chosen) {
                    use[i] = true;
                }
            }
            if (binWeights != null && g > 0) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += use[i] ? binWeights[g][bin[i]] : 0;
                }
                double norm = Math.max(sum, 1);
                for (int i = 0; i < n; i++) {
                    if (use[i]) {
                        t[i * k + slices[g][0] + bin[i]] = (float) (binWeights[g][bin[i]] / norm);
                    }
                }
                continue;
            }
            int count = 0;
            for (boolean u : use) {
                count += u ? 1 : 0;
            }
            float w = 1f / Math.max(count, 1);
            for (int i = 0; i < n; i++) {
                if (use[i]) {
                    t[i * k + slices[g][0] + bin[i]] = w;
                }
            }
        }
        return t;
    }

    /**
     * The official initialisation ({@code finetune.init: random}): the resized classifier cannot take the base's
     * weights (mmcv skips a size-mismatched layer), so it keeps the reference init, N(0, 0.01) weights and zero
     * bias, drawn from {@code rng}.
     *
     * @return {weights (K x D), bias (K)}
     */
    public float[][] initRandom(Rng rng, int inputDim) {
        return new float[][] {Init.normal(rng, layout.logits() * inputDim, 0.01), new float[layout.logits()]};
    }

    /**
     * {@code finetune.init: from_base}: the grouped classifier's weights (K x D) and bias initialised from a plain
     * softmax classifier's (C+1 rows): background and class rows copied, group 0's foreground row the mean of the
     * class rows, "others" rows zero. A random init lost a quarter of the rare-class gain in a prototype (with
     * the legacy schedule).
     *
     * @return {weights, bias}
     */
    public float[][] initFromSoftmax(float[] baseWeight, float[] baseBias, int inputDim) {
        int c = layout.numClasses();
        int[][] slices = layout.predSlice();
        int[][] l2b = layout.label2binlabel();
        float[] w = new float[layout.logits() * inputDim];
        float[] b = new float[layout.logits()];
        int bg = slices[0][0];
        int fg = slices[0][0] + 1;
        System.arraycopy(baseWeight, 0, w, bg * inputDim, inputDim);
        b[bg] = baseBias[0];
        for (int l = 1; l <= c; l++) {
            for (int d = 0; d < inputDim; d++) {
                w[fg * inputDim + d] += baseWeight[l * inputDim + d] / c;
            }
            b[fg] += baseBias[l] / c;
            for (int g = 1; g < slices.length; g++) {
                if (l2b[g][l] > 0) {
                    int row = slices[g][0] + l2b[g][l];
                    System.arraycopy(baseWeight, l * inputDim, w, row * inputDim, inputDim);
                    b[row] = baseBias[l];
                }
            }
        }
        return new float[][] {w, b};
    }
}

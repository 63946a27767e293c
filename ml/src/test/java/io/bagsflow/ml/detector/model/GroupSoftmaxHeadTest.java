package io.bagsflow.ml.detector.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.train.Rng;
import org.junit.jupiter.api.Test;

/**
 * Three classes in two groups: group 1 holds labels 1 and 3, group 2 holds label 2. Logits: group 0 at 0..1
 * (background, foreground), group 1 at 2..4 (others, label 1, label 3), group 2 at 5..6 (others, label 2).
 * Expected values were computed by hand (numpy) from the reference's formulas.
 */
class GroupSoftmaxHeadTest {

    private static final ClassifierLayout LAYOUT = ClassifierLayout.groupSoftmax(
            3, new int[][] {{0, 2}, {2, 3}, {5, 2}}, new int[][] {{0, 1, 1, 1}, {0, 1, 0, 2}, {0, 0, 1, 0}});

    private static final float[] LOGITS = {
        0.5f, 1.5f, 2.0f, 0.0f, -1.0f, 0.3f, 0.1f, 1.0f, -0.5f, 0.2f, 0.4f, 1.2f, -0.7f, 0.9f, 0f, 0f, 0f, 0f, 0f, 0f,
        0f, -0.2f, 0.8f, 0.1f, -0.3f, 0.6f, 1.1f, -0.4f
    };

    @Test
    void mergedScoresAreInGroupProbabilityTimesForeground() {
        float[] p = new GroupSoftmaxHead(LAYOUT).probabilities(LOGITS, 2);
        // RoI 0: background = softmax(0.5, 1.5)[0]; label 1 = softmax(2, 0, -1)[1] * softmax(0.5, 1.5)[1]
        assertArrayEquals(
                new float[] {
                    0.2689414214f, 0.0834833801f, 0.3290977181f, 0.0307118192f,
                    0.8175744762f, 0.0451071387f, 0.1517813897f, 0.1003877834f
                },
                p,
                1e-7f);
    }

    @Test
    void lossIsTheSumOfPerGroupMeanCrossEntropies() {
        GroupSoftmaxHead head = new GroupSoftmaxHead(LAYOUT, 8.0);
        int[] labels = {1, 0, 2, 0};
        boolean[] valid = {true, true, true, true};
        // with 1 positive per group and ratio 8, all 3 "others" take part: every group averages over 4 RoIs
        float[] targets = head.targets(labels, valid, new Rng(1));
        try (NDManager m = NDManager.newBaseManager()) {
            float loss =
                    head.loss(m, m.create(LOGITS, new Shape(4, 7)), targets).getFloat();
            // group 0: 0.6302709584, group 1: 1.5163589424, group 2: 0.8191500172
            assertEquals(2.9657799180, loss, 1e-5);
        }
    }

    @Test
    void othersAreSampledAtTheRatioAndGroupsWithoutPositivesAreSilent() {
        GroupSoftmaxHead head = new GroupSoftmaxHead(LAYOUT, 1.0);
        // one RoI of label 3 (group 1), three background RoIs, one padding slot; no RoI of group 2
        int[] labels = {3, 0, 0, 0, 0};
        boolean[] valid = {true, true, true, true, false};
        float[] t = head.targets(labels, valid, new Rng(3));
        float[] group0 = new float[5];
        float[] group1 = new float[5];
        float[] group2 = new float[5];
        for (int i = 0; i < 5; i++) {
            group0[i] = t[i * 7] + t[i * 7 + 1];
            group1[i] = t[i * 7 + 2] + t[i * 7 + 3] + t[i * 7 + 4];
            group2[i] = t[i * 7 + 5] + t[i * 7 + 6];
        }
        // group 0: every valid RoI, weight 1/4; RoI 0 targets foreground
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0f}, group0);
        assertEquals(0.25f, t[1]);
        // group 1: its positive (target: in-group index 2 at logit 4) and one of the three others, 1/2 each
        assertEquals(0.5f, t[4]);
        assertEquals(1f, sum(group1), 1e-6);
        assertEquals(2, nonZero(group1));
        assertEquals(0f, group1[4]);
        // group 2 has no positive: no loss at all
        assertEquals(0f, sum(group2));
    }

    @Test
    void initialisesFromTheBaseSoftmaxClassifier() {
        // base classifier over 2-d features: rows background, label 1, label 2, label 3
        float[] w = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] b = {0.1f, 0.2f, 0.3f, 0.4f};
        float[][] init = new GroupSoftmaxHead(LAYOUT).initFromSoftmax(w, b, 2);
        assertArrayEquals(
                new float[] {
                    1, 2, // background
                    5, 6, // foreground: mean of the class rows (3,4), (5,6), (7,8)
                    0, 0, // group 1 others
                    3, 4, // label 1
                    7, 8, // label 3
                    0, 0, // group 2 others
                    5, 6
                }, // label 2
                init[0],
                1e-6f);
        assertArrayEquals(new float[] {0.1f, 0.3f, 0f, 0.2f, 0.4f, 0f, 0.3f}, init[1], 1e-6f);
    }

    @Test
    void plainSoftmaxTargetsAverageOverValidRois() {
        SoftmaxClassifier cls = new SoftmaxClassifier(3);
        float[] t = cls.targets(new int[] {2, 0, 1}, new boolean[] {true, true, false}, new Rng(1));
        assertArrayEquals(new float[] {0, 0, 0.5f, 0, 0.5f, 0, 0, 0, 0, 0, 0, 0}, t);
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    private static int nonZero(float[] a) {
        int n = 0;
        for (float v : a) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }
}

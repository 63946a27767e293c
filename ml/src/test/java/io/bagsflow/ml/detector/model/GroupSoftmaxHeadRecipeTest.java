package io.bagsflow.ml.detector.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.ml.detector.train.Rng;
import org.junit.jupiter.api.Test;

/**
 * The official recipe's parts of the grouped head: random initialisation and the re-weighted group loss. The
 * layout is {@link GroupSoftmaxHeadTest}'s: group 1 holds labels 1 and 3 (logits 2..4: others, 1, 3), group 2
 * holds label 2 (logits 5..6: others, 2).
 */
class GroupSoftmaxHeadRecipeTest {

    private static final ClassifierLayout LAYOUT = ClassifierLayout.groupSoftmax(
            3, new int[][] {{0, 2}, {2, 3}, {5, 2}}, new int[][] {{0, 1, 1, 1}, {0, 1, 0, 2}, {0, 0, 1, 0}});

    @Test
    void randomInitialisationIsNormalWithStdOneHundredthAndZeroBias() {
        int dim = 2000;
        float[][] init = new GroupSoftmaxHead(LAYOUT).initRandom(new Rng(5), dim);
        float[] w = init[0];
        assertEquals(7 * dim, w.length);
        double sum = 0;
        double sq = 0;
        for (float v : w) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / w.length;
        double std = Math.sqrt(sq / w.length - mean * mean);
        // 14,000 draws: the mean's standard error is 0.01 / sqrt(14000) = 8.5e-5, the std's about 0.6 %
        assertEquals(0, mean, 4e-4);
        assertEquals(0.01, std, 3e-4);
        assertArrayEquals(new float[7], init[1]);
    }

    @Test
    void inverseCountWeightsAreNormalisedPerBinAndClipped() {
        // label 1: 2 instances, label 2: 50, label 3: 100. Group 1: 1/2 and 1/100, mean 0.255, so 1.96 and 0.039
        // (clipped to 0.1); group 2 has one class: weight 1. "others" weighs 1 everywhere.
        float[][] w = GroupSoftmaxHead.inverseCountWeights(LAYOUT, new int[] {2, 50, 100});
        assertArrayEquals(new float[] {1, 1}, w[0]);
        assertArrayEquals(new float[] {1, (float) (0.5 / 0.255), 0.1f}, w[1], 1e-6f);
        assertArrayEquals(new float[] {1, 1}, w[2]);
        // a bin far from its mean is clipped at 5: counts 1 and 1000 give 1 / 0.5005 = 1.998, 0.001998 -> 0.1
        float[][] clipped = GroupSoftmaxHead.inverseCountWeights(LAYOUT, new int[] {1, 7, 1000});
        assertEquals(1.998, clipped[1][1], 1e-3);
        assertEquals(0.1f, clipped[1][2]);
        float[][] five = GroupSoftmaxHead.inverseCountWeights(
                ClassifierLayout.groupSoftmax(
                        6, new int[][] {{0, 2}, {2, 7}}, new int[][] {{0, 1, 1, 1, 1, 1, 1}, {0, 1, 2, 3, 4, 5, 6}}),
                new int[] {1, 100, 100, 100, 100, 100});
        // 1/1 over the mean (1 + 5 x 0.01) / 6 = 0.175 is 5.71: clipped to 5
        assertEquals(5f, five[1][1]);
    }

    @Test
    void theWeightedGroupLossDividesByTheSumOfItsWeights() {
        float[][] w = GroupSoftmaxHead.inverseCountWeights(LAYOUT, new int[] {2, 50, 100});
        GroupSoftmaxHead head = new GroupSoftmaxHead(LAYOUT, 8.0, w);
        int[] labels = {1, 3, 0, 0};
        boolean[] valid = {true, true, true, true};
        float[] t = head.targets(labels, valid, new Rng(1));
        // group 1: label 1 (1.9608), label 3 (0.1) and both background RoIs as others (1 each): sum 4.0608
        double sum = 0.5 / 0.255 + 0.1 + 1 + 1;
        assertEquals(0.5 / 0.255 / sum, t[0 * 7 + 3], 1e-6);
        assertEquals(0.1 / sum, t[1 * 7 + 4], 1e-6);
        assertEquals(1 / sum, t[2 * 7 + 2], 1e-6);
        assertEquals(1 / sum, t[3 * 7 + 2], 1e-6);
        // group 0 is not weighted: each of the 4 RoIs 1/4; group 2 has no positive and stays silent
        assertEquals(0.25f, t[0 * 7 + 1]);
        assertEquals(0.25f, t[2 * 7]);
        assertEquals(0f, t[2 * 7 + 5]);
    }
}

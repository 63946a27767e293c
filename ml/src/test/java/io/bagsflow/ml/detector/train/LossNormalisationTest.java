package io.bagsflow.ml.detector.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.detector.model.GroupSoftmaxHead;
import io.bagsflow.ml.detector.model.SoftmaxClassifier;
import org.junit.jupiter.api.Test;

/**
 * Four images, two RoIs each; only image 0 has a positive (label 1, group 1). Labels 1 and 3 are group 1, label 2
 * group 2, as in GroupSoftmaxHeadTest. "others" ratio 1: one background RoI joins group 1's positive.
 */
class LossNormalisationTest {

    private static final ClassifierLayout LAYOUT = ClassifierLayout.groupSoftmax(
            3, new int[][] {{0, 2}, {2, 3}, {5, 2}}, new int[][] {{0, 1, 1, 1}, {0, 1, 0, 2}, {0, 0, 1, 0}});
    private static final int[] LABELS = {1, 0, 0, 0, 0, 0, 0, 0};
    private static final boolean[] VALID = {true, true, true, true, true, true, true, true};
    private static final int[] IMAGE = {0, 0, 1, 1, 2, 2, 3, 3};

    @Test
    void globalAveragesEachGroupOnceOverTheBatch() {
        float[] t = LossNormalisation.GLOBAL.targets(
                new GroupSoftmaxHead(LAYOUT, 1.0), LABELS, VALID, IMAGE, 4, 2, new Rng(7));
        // group 0: 8 RoIs, 1/8 each; group 1: the positive and one of 7 background RoIs, 1/2 each
        assertEquals(1 / 8f, t[1]);
        assertEquals(1 / 8f, t[7 * 7]);
        assertEquals(1 / 2f, t[3]);
        assertEquals(1f, groupSum(t, 2, 3), 1e-6);
    }

    @Test
    void perShardAveragesEachGroupPerShardThenOverTheShards() {
        float[] t = LossNormalisation.PER_SHARD.targets(
                new GroupSoftmaxHead(LAYOUT, 1.0), LABELS, VALID, IMAGE, 4, 2, new Rng(7));
        // two shards of two images: group 0 averages 4 RoIs per shard (1/4), halved over the shards: 1/8 as before
        assertEquals(1 / 8f, t[1]);
        assertEquals(1 / 8f, t[7 * 7]);
        // group 1 has RoIs only in shard 0: 1/2 there, halved: the sparse group's loss weighs half as much
        assertEquals(1 / 4f, t[3]);
        assertEquals(0.5f, groupSum(t, 2, 3), 1e-6);
        for (int i = 4; i < 8; i++) {
            assertEquals(0f, t[i * 7 + 2], "RoI " + i + " is in shard 1, which has no group-1 positive");
        }
    }

    @Test
    void oneShardIsGlobalAndAPlainSoftmaxWithEqualShardsIsUnchanged() {
        GroupSoftmaxHead head = new GroupSoftmaxHead(LAYOUT, 1.0);
        assertArrayEquals(
                LossNormalisation.GLOBAL.targets(head, LABELS, VALID, IMAGE, 4, 2, new Rng(7)),
                LossNormalisation.PER_SHARD.targets(head, LABELS, VALID, IMAGE, 4, 4, new Rng(7)));
        SoftmaxClassifier plain = new SoftmaxClassifier(3);
        assertArrayEquals(
                LossNormalisation.GLOBAL.targets(plain, LABELS, VALID, IMAGE, 4, 2, new Rng(7)),
                LossNormalisation.PER_SHARD.targets(plain, LABELS, VALID, IMAGE, 4, 2, new Rng(7)),
                1e-7f);
    }

    private static float groupSum(float[] t, int from, int length) {
        float s = 0;
        for (int i = 0; i < t.length / 7; i++) {
            for (int j = from; j < from + length; j++) {
                s += t[i * 7 + j];
            }
        }
        return s;
    }
}

package io.bagsflow.ml.detector.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SamplersTest {

    @Test
    void roisTakeTheClassOfAGroundTruthBoxTheyOverlapByHalf() {
        RoiSampler sampler = new RoiSampler(4, 0.25, 0.5);
        float[] gt = {10, 10, 30, 30};
        // IoU with the ground truth: 1.0, 0.6 (20x12 inside 20x20 vs 20x20), 0.0
        float[] proposals = {10, 10, 30, 30, 10, 10, 30, 22, 50, 50, 60, 60};
        RoiSampler.Candidates c = sampler.assign(proposals, gt, new int[] {7});
        // the ground truth itself comes first
        assertArrayEquals(new int[] {7, 7, 7, 0}, c.labels());
    }

    @Test
    void atMostAQuarterOfTheSampledRoisArePositiveAndShortImagesArePadded() {
        RoiSampler sampler = new RoiSampler(8, 0.25, 0.5);
        float[] gt = {10, 10, 30, 30};
        float[] proposals = {10, 10, 30, 30, 11, 10, 31, 30, 10, 11, 30, 31, 50, 50, 60, 60, 0, 0, 5, 5};
        float[] boxes = new float[8 * 4];
        int[] labels = new int[8];
        boolean[] valid = new boolean[8];
        float[] targets = new float[8 * 4];
        sampler.sample(proposals, gt, new int[] {3}, new Rng(5), 0, boxes, labels, valid, targets);
        // 4 positive candidates (gt + 3 proposals), 2 positives allowed; 2 negatives exist: 4 valid slots
        assertArrayEquals(new int[] {3, 3, 0, 0, 0, 0, 0, 0}, labels);
        assertArrayEquals(new boolean[] {true, true, true, true, false, false, false, false}, valid);
    }

    @Test
    void aFeatureCacheKeepsEveryPositiveAndSomeNegatives() {
        RoiSampler sampler = new RoiSampler(8, 0.25, 0.5);
        int[] labels = {0, 2, 0, 0, 5, 0, 0};
        int[] pool = sampler.pool(labels, new Rng(1), 3);
        assertEquals(5, pool.length);
        assertArrayEquals(new int[] {1, 4}, Arrays.copyOf(pool, 2));
        for (int k = 2; k < 5; k++) {
            assertEquals(0, labels[pool[k]]);
        }
    }

    @Test
    void anchorsMatchGroundTruthByIouAndEachBoxClaimsItsBestAnchor() {
        // three anchors: an exact match, a half overlap and a far one; one ground-truth box
        float[] anchors = {0, 0, 10, 10, 5, 0, 15, 10, 40, 40, 50, 50};
        AnchorTargets targets = new AnchorTargets(anchors, 4, 0.5, 0.7, 0.3, 0.3);
        float[] labels = new float[3];
        float[] weights = new float[3];
        float[] deltas = new float[12];
        float[] deltaWeights = new float[12];
        int sampled =
                targets.assign(new float[] {0, 0, 10, 10}, 1, new Rng(2), 0, labels, weights, deltas, deltaWeights);
        // IoU 1 (positive), 1/3 (ignored: between 0.3 and 0.7), 0 (negative)
        assertArrayEquals(new float[] {1, 0, 0}, labels);
        assertArrayEquals(new float[] {1, 0, 1}, weights);
        assertEquals(2, sampled);
        assertArrayEquals(new float[] {0, 0, 0, 0}, Arrays.copyOf(deltas, 4));
        assertTrue(deltaWeights[0] == 1f && deltaWeights[4] == 0f);
    }

    @Test
    void generatorsForDifferentStepsDiffer() {
        assertEquals(Rng.of(1, 2, 3).nextLong(), Rng.of(1, 2, 3).nextLong());
        assertFalse(Rng.of(1, 2, 3).nextLong() == Rng.of(1, 2, 4).nextLong());
    }
}

package io.bagsflow.ml.detector.boxes;

import java.util.Arrays;

/**
 * Greedy non-maximum suppression and a stable descending sort. Ties in score are broken by the lower index,
 * so the same inputs always give the same detections.
 */
public final class Nms {

    private Nms() {
    }

    /** Indices {@code 0 .. n-1} ordered by descending score, equal scores by ascending index. */
    public static int[] argsortDescending(float[] scores, int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) ~orderedBits(scores[i]) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** An int whose signed order is the order of the floats (NaN sorts as the largest). */
    private static int orderedBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /**
     * Keeps boxes in the given candidate order, dropping any whose IoU with an already kept box exceeds
     * {@code iouThreshold}; stops after {@code maxKeep}. Returns the kept entries of {@code candidates}.
     */
    public static int[] suppress(float[] boxes, int[] candidates, float iouThreshold, int maxKeep) {
        int n = candidates.length;
        int[] kept = new int[Math.min(n, maxKeep)];
        int count = 0;
        boolean[] removed = new boolean[n];
        for (int a = 0; a < n && count < maxKeep; a++) {
            if (removed[a]) {
                continue;
            }
            int i = candidates[a];
            kept[count++] = i;
            for (int b = a + 1; b < n; b++) {
                if (!removed[b] && Boxes.iou(boxes, i, boxes, candidates[b]) > iouThreshold) {
                    removed[b] = true;
                }
            }
        }
        return Arrays.copyOf(kept, count);
    }
}

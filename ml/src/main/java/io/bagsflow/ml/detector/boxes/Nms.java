package io.bagsflow.ml.detector.boxes;

import java.util.Arrays;

/**
 * Greedy non-maximum suppression and a stable descending sort. Ties in score are broken by the lower index,
 * so the same inputs always give the same detections.
 */
public final class Nms {

    private Nms() {}

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
     * Each candidate is compared with the boxes kept so far (the same decisions as letting every kept box
     * suppress the rest, with the same arithmetic as {@link Boxes#iou}), on coordinates unpacked once: no
     * candidate after the {@code maxKeep}-th kept one is looked at, and a candidate stops at its first
     * suppressor. In training this runs on 400 candidates per image and step, and was most of the Java time
     * between the RPN and the second stage.
     */
    public static int[] suppress(float[] boxes, int[] candidates, float iouThreshold, int maxKeep) {
        int n = candidates.length;
        int limit = Math.min(n, maxKeep);
        int[] kept = new int[limit];
        float[] kx1 = new float[limit];
        float[] ky1 = new float[limit];
        float[] kx2 = new float[limit];
        float[] ky2 = new float[limit];
        float[] karea = new float[limit];
        int count = 0;
        for (int a = 0; a < n && count < maxKeep; a++) {
            int c = candidates[a];
            float x1 = boxes[4 * c];
            float y1 = boxes[4 * c + 1];
            float x2 = boxes[4 * c + 2];
            float y2 = boxes[4 * c + 3];
            float area = Boxes.area(boxes, c);
            boolean suppressed = false;
            for (int k = 0; k < count && !suppressed; k++) {
                float iw = Math.min(kx2[k], x2) - Math.max(kx1[k], x1);
                float ih = Math.min(ky2[k], y2) - Math.max(ky1[k], y1);
                float iou = 0f;
                if (iw > 0 && ih > 0) {
                    float inter = iw * ih;
                    float union = karea[k] + area - inter;
                    iou = union > 0 ? inter / union : 0f;
                }
                suppressed = iou > iouThreshold;
            }
            if (!suppressed) {
                kept[count] = c;
                kx1[count] = x1;
                ky1[count] = y1;
                kx2[count] = x2;
                ky2[count] = y2;
                karea[count] = area;
                count++;
            }
        }
        return Arrays.copyOf(kept, count);
    }
}

package io.bagsflow.ml.detector.boxes;

/**
 * Box geometry on packed arrays: box i is (x1, y1, x2, y2) at 4i .. 4i+3, in continuous pixel coordinates
 * (width = x2 - x1, no +1).
 */
public final class Boxes {

    private Boxes() {}

    public static float area(float[] b, int i) {
        return Math.max(0f, b[4 * i + 2] - b[4 * i]) * Math.max(0f, b[4 * i + 3] - b[4 * i + 1]);
    }

    public static float iou(float[] a, int i, float[] b, int j) {
        float iw = Math.min(a[4 * i + 2], b[4 * j + 2]) - Math.max(a[4 * i], b[4 * j]);
        float ih = Math.min(a[4 * i + 3], b[4 * j + 3]) - Math.max(a[4 * i + 1], b[4 * j + 1]);
        if (iw <= 0 || ih <= 0) {
            return 0f;
        }
        float inter = iw * ih;
        float union = area(a, i) + area(b, j) - inter;
        return union > 0 ? inter / union : 0f;
    }

    /** IoU of every box of {@code a} (na) with every box of {@code b} (nb), row-major [na][nb]. */
    public static float[] iouMatrix(float[] a, int na, float[] b, int nb) {
        float[] m = new float[na * nb];
        for (int i = 0; i < na; i++) {
            for (int j = 0; j < nb; j++) {
                m[i * nb + j] = iou(a, i, b, j);
            }
        }
        return m;
    }

    /** Clips box i in place to [0, width] x [0, height]. */
    public static void clip(float[] b, int i, float width, float height) {
        b[4 * i] = Math.min(Math.max(b[4 * i], 0f), width);
        b[4 * i + 1] = Math.min(Math.max(b[4 * i + 1], 0f), height);
        b[4 * i + 2] = Math.min(Math.max(b[4 * i + 2], 0f), width);
        b[4 * i + 3] = Math.min(Math.max(b[4 * i + 3], 0f), height);
    }
}

package io.bagsflow.ml.detector.boxes;

/**
 * The RPN anchors of one feature map: at each cell (y, x), one box per (size, aspect ratio), centred on the
 * cell centre. Order: y, then x, then size, then ratio, the order of the RPN outputs after their transpose.
 */
public final class Anchors {

    private Anchors() {}

    /**
     * @param sizes  anchor side lengths in pixels (the square root of the area)
     * @param ratios height / width
     */
    public static float[] grid(int height, int width, int stride, float[] sizes, float[] ratios) {
        int perCell = sizes.length * ratios.length;
        float[] out = new float[height * width * perCell * 4];
        int k = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float cx = (x + 0.5f) * stride;
                float cy = (y + 0.5f) * stride;
                for (float size : sizes) {
                    for (float ratio : ratios) {
                        float w = (float) (size / Math.sqrt(ratio));
                        float h = (float) (size * Math.sqrt(ratio));
                        out[k++] = cx - 0.5f * w;
                        out[k++] = cy - 0.5f * h;
                        out[k++] = cx + 0.5f * w;
                        out[k++] = cy + 0.5f * h;
                    }
                }
            }
        }
        return out;
    }
}

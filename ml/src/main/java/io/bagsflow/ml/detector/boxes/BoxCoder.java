package io.bagsflow.ml.detector.boxes;

/**
 * The Faster R-CNN box parametrisation: deltas (dx, dy, dw, dh) of a target box relative to a reference box,
 * divided by per-coordinate standard deviations (means are zero).
 */
public final class BoxCoder {

    /** Largest log-scale change decoded, as the reference: log(1000 / 16). */
    private static final double MAX_LOG_RATIO = Math.log(1000.0 / 16.0);

    private final float[] stds;

    public BoxCoder(float[] stds) {
        if (stds.length != 4) {
            throw new IllegalArgumentException("need 4 standard deviations, got " + stds.length);
        }
        this.stds = stds.clone();
    }

    /** Writes the deltas of {@code target[j]} relative to {@code ref[i]} at {@code out[o .. o+3]}. */
    public void encode(float[] ref, int i, float[] target, int j, float[] out, int o) {
        double pw = ref[4 * i + 2] - ref[4 * i];
        double ph = ref[4 * i + 3] - ref[4 * i + 1];
        double px = ref[4 * i] + 0.5 * pw;
        double py = ref[4 * i + 1] + 0.5 * ph;
        double gw = target[4 * j + 2] - target[4 * j];
        double gh = target[4 * j + 3] - target[4 * j + 1];
        double gx = target[4 * j] + 0.5 * gw;
        double gy = target[4 * j + 1] + 0.5 * gh;
        pw = Math.max(pw, 1e-6);
        ph = Math.max(ph, 1e-6);
        out[o] = (float) ((gx - px) / pw / stds[0]);
        out[o + 1] = (float) ((gy - py) / ph / stds[1]);
        out[o + 2] = (float) (Math.log(Math.max(gw, 1e-6) / pw) / stds[2]);
        out[o + 3] = (float) (Math.log(Math.max(gh, 1e-6) / ph) / stds[3]);
    }

    /**
     * Applies {@code deltas[d .. d+3]} to {@code ref[i]} and writes the box, clipped to the image, at
     * {@code out[4o .. 4o+3]}.
     */
    public void decode(float[] ref, int i, float[] deltas, int d, float width, float height, float[] out, int o) {
        double pw = ref[4 * i + 2] - ref[4 * i];
        double ph = ref[4 * i + 3] - ref[4 * i + 1];
        double px = ref[4 * i] + 0.5 * pw;
        double py = ref[4 * i + 1] + 0.5 * ph;
        double dx = deltas[d] * stds[0];
        double dy = deltas[d + 1] * stds[1];
        double dw = Math.max(-MAX_LOG_RATIO, Math.min(MAX_LOG_RATIO, deltas[d + 2] * stds[2]));
        double dh = Math.max(-MAX_LOG_RATIO, Math.min(MAX_LOG_RATIO, deltas[d + 3] * stds[3]));
        double cx = px + dx * pw;
        double cy = py + dy * ph;
        double w = pw * Math.exp(dw);
        double h = ph * Math.exp(dh);
        out[4 * o] = (float) (cx - 0.5 * w);
        out[4 * o + 1] = (float) (cy - 0.5 * h);
        out[4 * o + 2] = (float) (cx + 0.5 * w);
        out[4 * o + 3] = (float) (cy + 0.5 * h);
        Boxes.clip(out, o, width, height);
    }
}

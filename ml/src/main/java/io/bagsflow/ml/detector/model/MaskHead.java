package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.bagsflow.ml.detector.train.Rng;

/**
 * Mask R-CNN's mask branch, scaled to this detector: RoIAlign at 14 x 14 over the backbone features, two 3x3
 * convs, a 2x2 stride-2 deconvolution to 28 x 28 and a 1x1 conv to one logit per cell. The mask is
 * class-agnostic (one map per RoI, not one per class): on CPU the per-class variant's last layer and paste cost
 * grow with the classes while the detection's class already says what the mask is of, and the shared map lets
 * every retrained classifier reuse the base's masks unchanged. Parameters are named {@code mask.*}.
 */
public final class MaskHead {

    /** RoIAlign output side for the mask branch (Mask R-CNN's). */
    public static final int POOL = 14;
    /** Side of the predicted mask. */
    public static final int SIZE = 2 * POOL;
    /** Width of the convs: a quarter of the reference's 256, as the rest of this detector is scaled down. */
    static final int CHANNELS = 32;

    private final int inChannels;
    private final RoiAlign roiAlign;

    public MaskHead(int inChannels, int samplingRatio, int stride) {
        this.inChannels = inChannels;
        this.roiAlign = new RoiAlign(POOL, samplingRatio, stride);
    }

    public RoiAlign roiAlign() {
        return roiAlign;
    }

    public void define(Parameters p, Rng rng) {
        Nn.defineConv(p, rng, "mask.conv1", inChannels, CHANNELS, 3, true, 0);
        Nn.defineConv(p, rng, "mask.conv2", CHANNELS, CHANNELS, 3, true, 0);
        // the 2x2 stride-2 deconvolution as a 1x1 conv to the four sub-pixels' channels (see logits); He init with
        // the fan-out of a 2x2 kernel, which this is
        Nn.defineConv(p, rng, "mask.up", CHANNELS, 4 * CHANNELS, 1, true, 0);
        Nn.defineConv(p, rng, "mask.logits", CHANNELS, 1, 1, true, 0.001);
    }

    /**
     * Mask logits (N, SIZE * SIZE), row-major over the RoI, from RoIAlign output (N, POOL * POOL * C) laid out
     * as {@link RoiAlign#apply} gives it (bins row-major, channels innermost).
     */
    public NDArray logits(Parameters p, NDArray pooled) {
        long n = pooled.getShape().get(0);
        NDArray x = pooled.reshape(n, POOL, POOL, inChannels).transpose(0, 3, 1, 2);
        x = Activation.relu(Nn.conv(p, "mask.conv1", x, 1, 1));
        x = Activation.relu(Nn.conv(p, "mask.conv2", x, 1, 1));
        // DJL's PyTorch engine has no transposed convolution; with kernel 2 and stride 2 its outputs do not
        // overlap, so it is exactly a 1x1 conv giving each input cell its 2x2 block (channel c's sub-pixel (a, b)
        // at 4c + 2a + b), then a depth-to-space rearrangement
        x = Nn.conv(p, "mask.up", x, 1, 0)
                .reshape(n, CHANNELS, 2, 2, POOL, POOL)
                .transpose(0, 1, 4, 2, 5, 3)
                .reshape(n, CHANNELS, SIZE, SIZE);
        x = Activation.relu(x);
        return Nn.conv(p, "mask.logits", x, 1, 0).reshape(n, (long) SIZE * SIZE);
    }

    /** Mask logits of {@code n} boxes (input pixels, packed x1, y1, x2, y2) of one image's features (1, C, H, W). */
    public NDArray logitsOfBoxes(NDManager m, Parameters p, NDArray imageFeatures, float[] boxes, int n) {
        boolean[] valid = new boolean[n];
        java.util.Arrays.fill(valid, true);
        long h = imageFeatures.getShape().get(2);
        long w = imageFeatures.getShape().get(3);
        RoiAlign.Matrices mats = roiAlign.matrices(boxes, valid, 1, n, (int) h, (int) w);
        return logits(p, roiAlign.apply(m, imageFeatures, mats));
    }

    /**
     * The training target of a RoI: cell (i, j) of the SIZE x SIZE grid over {@code box[4r ..]} is 1 when its
     * centre lies inside any of the object's polygons (even-odd rule). This is the ground-truth mask cropped to
     * the RoI and resized, computed from the polygons directly so no full-image mask is ever drawn.
     */
    public static void target(float[] boxes, int r, float[][] polygons, float[] out, int offset) {
        float x1 = boxes[4 * r];
        float y1 = boxes[4 * r + 1];
        float cw = (boxes[4 * r + 2] - x1) / SIZE;
        float ch = (boxes[4 * r + 3] - y1) / SIZE;
        for (int i = 0; i < SIZE; i++) {
            float y = y1 + (i + 0.5f) * ch;
            for (int j = 0; j < SIZE; j++) {
                float x = x1 + (j + 0.5f) * cw;
                boolean inside = false;
                for (float[] poly : polygons) {
                    if (contains(poly, x, y)) {
                        inside = true;
                        break;
                    }
                }
                out[offset + i * SIZE + j] = inside ? 1f : 0f;
            }
        }
    }

    /** Even-odd point-in-polygon test (crossings of a ray towards +x). */
    static boolean contains(float[] xy, float x, float y) {
        int n = xy.length / 2;
        boolean inside = false;
        for (int a = 0, b = n - 1; a < n; b = a++) {
            float ya = xy[2 * a + 1];
            float yb = xy[2 * b + 1];
            if ((ya > y) != (yb > y)) {
                float xa = xy[2 * a];
                float xb = xy[2 * b];
                float cross = xa + (y - ya) * (xb - xa) / (yb - ya);
                if (x < cross) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }

    /**
     * Pastes a SIZE x SIZE probability map into an image of {@code height x width} pixels: the map stretched over
     * the box (image pixels x, y, w, h) by bilinear interpolation, each pixel whose centre lies in the box kept
     * when its probability is at least 0.5 (Mask R-CNN's paste and threshold). Row-major, {@code mask[y * width +
     * x]}.
     */
    public static boolean[] paste(
            float[] probs, int offset, double bx, double by, double bw, double bh, int height, int width) {
        boolean[] mask = new boolean[height * width];
        if (!(bw > 0 && bh > 0)) {
            return mask;
        }
        int x0 = Math.max(0, (int) Math.floor(bx));
        int y0 = Math.max(0, (int) Math.floor(by));
        int x1 = Math.min(width, (int) Math.ceil(bx + bw));
        int y1 = Math.min(height, (int) Math.ceil(by + bh));
        for (int y = y0; y < y1; y++) {
            double gy = (y + 0.5 - by) / bh * SIZE - 0.5;
            if (y + 0.5 < by || y + 0.5 > by + bh) {
                continue;
            }
            int ya = (int) Math.floor(gy);
            double fy = gy - ya;
            int yLow = Math.max(0, Math.min(SIZE - 1, ya));
            int yHigh = Math.max(0, Math.min(SIZE - 1, ya + 1));
            for (int x = x0; x < x1; x++) {
                if (x + 0.5 < bx || x + 0.5 > bx + bw) {
                    continue;
                }
                double gx = (x + 0.5 - bx) / bw * SIZE - 0.5;
                int xa = (int) Math.floor(gx);
                double fx = gx - xa;
                int xLow = Math.max(0, Math.min(SIZE - 1, xa));
                int xHigh = Math.max(0, Math.min(SIZE - 1, xa + 1));
                double top = probs[offset + yLow * SIZE + xLow] * (1 - fx) + probs[offset + yLow * SIZE + xHigh] * fx;
                double bottom =
                        probs[offset + yHigh * SIZE + xLow] * (1 - fx) + probs[offset + yHigh * SIZE + xHigh] * fx;
                mask[y * width + x] = top * (1 - fy) + bottom * fy >= 0.5;
            }
        }
        return mask;
    }
}

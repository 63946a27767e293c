package io.bagsflow.ml.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws random boxes inside a square image that overlap earlier boxes by at most IoU 0.15 (the prototype's
 * setting), shrinking the box after repeated failures.
 */
final class BoxPlacer {

    static final double MAX_IOU = 0.15;
    private static final int TRIES = 100;
    private static final int MIN_SIDE = 6;

    private final int size;
    private final SyntheticPreset preset;
    private final SplittableRandom rng;
    private final List<int[]> placed = new ArrayList<>();

    BoxPlacer(SyntheticPreset preset, SplittableRandom rng) {
        this.size = preset.imageSize;
        this.preset = preset;
        this.rng = rng;
    }

    /** A new box {x, y, w, h}, or null when none fits. */
    int[] place() {
        double scale = 1.0;
        for (int t = 0; t < TRIES; t++) {
            if (t > 0 && t % 25 == 0) {
                scale *= 0.8;
            }
            int w = Math.max(MIN_SIDE, (int) Math.round(size * scale * uniform(preset.boxMin, preset.boxMax)));
            int maxH = (int) Math.round(size * preset.boxMaxHeight);
            int h = Math.max(MIN_SIDE, Math.min(maxH, (int) Math.round(w * uniform(0.7, 1.3))));
            w = Math.min(w, size);
            int x = rng.nextInt(size - w + 1);
            int y = rng.nextInt(size - h + 1);
            int[] box = {x, y, w, h};
            if (fits(box)) {
                placed.add(box);
                return box;
            }
        }
        return null;
    }

    private boolean fits(int[] box) {
        for (int[] other : placed) {
            if (iou(box, other) > MAX_IOU) {
                return false;
            }
        }
        return true;
    }

    static double iou(int[] a, int[] b) {
        int iw = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
        int ih = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = (double) iw * ih;
        return inter / ((double) a[2] * a[3] + (double) b[2] * b[3] - inter);
    }

    private double uniform(double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}

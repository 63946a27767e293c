package io.bagsflow.ml.eval;

import java.util.List;

/**
 * The fixed settings of LVIS bbox evaluation (lvis-api {@code Params}), with the exact doubles numpy produces.
 * IoU and recall thresholds come from {@code np.linspace}: {@code i * step + start} with the last value set to
 * the stop, which gives 0.8999999999999999 rather than 0.9 and 0.35000000000000003 rather than 0.35. Using
 * {@code i / 100} instead changes AP by about 1e-5.
 */
public final class LvisEvalParams {

    /** Detections kept per image, across all categories, before anything else. */
    public static final int MAX_DETS_PER_IMAGE = 300;

    static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
    static final double[][] AREA_RANGES = {{0, 1e10}, {0, 1024}, {1024, 9216}, {9216, 1e10}};

    public static final List<String> AREA_LABELS = List.of("all", "small", "medium", "large");

    public static final int T = IOU_THRESHOLDS.length;
    public static final int R = RECALL_THRESHOLDS.length;
    public static final int A = AREA_RANGES.length;

    private LvisEvalParams() {}

    /** IoU thresholds 0.50:0.05:0.95 as numpy's linspace gives them. */
    public static double[] iouThresholds() {
        return IOU_THRESHOLDS.clone();
    }

    /** Recall thresholds 0.00:0.01:1.00 as numpy's linspace gives them. */
    public static double[] recallThresholds() {
        return RECALL_THRESHOLDS.clone();
    }

    /** Area range {@code a} as [lo, hi], inclusive at both ends (all, small, medium, large). */
    public static double[] areaRange(int a) {
        return AREA_RANGES[a].clone();
    }

    /** numpy.linspace(start, stop, num) with endpoint=True. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] out = new double[num];
        for (int i = 0; i < num; i++) {
            out[i] = i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /** The index of the IoU threshold exactly equal to {@code iou}, as lvis-api's {@code np.where} finds it. */
    static int iouIndex(double iou) {
        for (int t = 0; t < T; t++) {
            if (IOU_THRESHOLDS[t] == iou) {
                return t;
            }
        }
        throw new IllegalArgumentException("no IoU threshold equals " + iou);
    }
}

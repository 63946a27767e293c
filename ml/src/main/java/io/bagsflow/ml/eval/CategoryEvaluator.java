package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.mask.Rle;
import java.util.Arrays;

/**
 * lvis-api's {@code evaluate_img} and {@code accumulate} for one category at a time. One instance per worker
 * thread: it owns growable scratch arrays, so the work per detection allocates nothing.
 *
 * <p>For a category it (1) applies the federated filter (keep a detection only on images where the category
 * has GT or is negative), (2) orders detections by score within each image and across images (score, then
 * image id, then file order: numpy's stable mergesorts), (3) matches greedily per area range and IoU threshold,
 * recording each detection as TP, FP or ignored at its place in the cross-image order, and (4) turns those into
 * the precision at the 101 recall thresholds and the final recall.
 */
final class CategoryEvaluator {

    private static final byte IGNORED = 0;
    private static final byte TP = 1;
    private static final byte FP = 2;
    /** np.spacing(1), added to the precision denominator by lvis-api */
    private static final double EPS = 0x1p-52;

    private static final int T = LvisEvalParams.T;
    private static final int R = LvisEvalParams.R;
    private static final int A = LvisEvalParams.A;

    private final GroundTruthIndex gt;
    private final DetectionBuckets dets;
    private final LvisResults results;
    /** null for bbox evaluation */
    private final SegmMasks masks;

    private Rle[] gtMaskScratch = new Rle[16];

    // per detection of the current category, by position in (image, file) order
    private int[] det = new int[64];
    private int[] detImage = new int[64];
    private double[] score = new double[64];
    private double[] detArea = new double[64];
    private int[] byImageScore = new int[64];
    private int[] byScore = new int[64];
    private int[] rank = new int[64];
    private int[] sortTmp = new int[64];
    /** TP/FP/ignored at (area, threshold) for the detection ranked p: {@code state[(a * T + t) * n + p]} */
    private byte[] state = new byte[64 * A * T];
    /** precision at each TP of the current (area, threshold), in order */
    private double[] tpPrecision = new double[64];

    // per (image, category) matching
    private double[] iou = new double[64];
    private int[] gtOrder = new int[16];
    private boolean[] gtIgnored = new boolean[16];
    private boolean[] gtTaken = new boolean[16];

    CategoryEvaluator(GroundTruthIndex gt, DetectionBuckets dets) {
        this(gt, dets, null);
    }

    /** An evaluator of mask IoU when {@code masks} is given, of box IoU when it is null. */
    CategoryEvaluator(GroundTruthIndex gt, DetectionBuckets dets, SegmMasks masks) {
        this.gt = gt;
        this.dets = dets;
        this.results = dets.results;
        this.masks = masks;
    }

    CategoryCurves evaluate(int k) {
        CategoryCurves out = new CategoryCurves();
        int n = federatedFilter(k);
        out.numDt = n;
        orderByScore(n);
        if (state.length < A * T * n) {
            state = new byte[A * T * n + A * T * n / 4];
        }
        int gtFrom = gt.gtStart[k];
        int gtTo = gt.gtStart[k + 1];
        for (int a = 0; a < A; a++) {
            double lo = LvisEvalParams.AREA_RANGES[a][0];
            double hi = LvisEvalParams.AREA_RANGES[a][1];
            for (int s = gtFrom; s < gtTo; s++) {
                if (!(gt.gtArea[s] < lo || gt.gtArea[s] > hi)) {
                    out.numGt[a]++;
                }
            }
        }
        int g = gtFrom;
        int nel = gt.nelStart[k];
        int nelTo = gt.nelStart[k + 1];
        int from = 0;
        while (from < n) {
            int img = detImage[from];
            int to = from;
            while (to < n && detImage[to] == img) {
                to++;
            }
            while (g < gtTo && gt.gtImage[g] < img) {
                g++;
            }
            int g1 = g;
            while (g1 < gtTo && gt.gtImage[g1] == img) {
                g1++;
            }
            while (nel < nelTo && gt.nelImage[nel] < img) {
                nel++;
            }
            boolean notExhaustive = nel < nelTo && gt.nelImage[nel] == img;
            matchImage(from, to, g, g1, notExhaustive, n);
            from = to;
        }
        for (int a = 0; a < A; a++) {
            for (int t = 0; t < T; t++) {
                accumulate(out, a, t, n);
            }
        }
        int base = 0; // area "all", IoU 0.5
        for (int p = 0; p < n; p++) {
            if (state[base + p] == TP) {
                out.numTpIou50++;
            }
        }
        return out;
    }

    /**
     * Keeps the detections of category k on images where k has GT or is in {@code neg_category_ids}; fills
     * {@code det}, {@code detImage}, {@code score} in (image, file) order and returns how many.
     */
    private int federatedFilter(int k) {
        int from = dets.start[k];
        int to = dets.start[k + 1];
        ensureDetCapacity(to - from);
        int g = gt.gtStart[k];
        int gtTo = gt.gtStart[k + 1];
        int neg = gt.negStart[k];
        int negTo = gt.negStart[k + 1];
        int n = 0;
        for (int q = from; q < to; q++) {
            int d = dets.byCategory[q];
            int img = dets.image[d];
            while (g < gtTo && gt.gtImage[g] < img) {
                g++;
            }
            while (neg < negTo && gt.negImage[neg] < img) {
                neg++;
            }
            boolean present = g < gtTo && gt.gtImage[g] == img;
            boolean negative = neg < negTo && gt.negImage[neg] == img;
            if (present || negative) {
                det[n] = d;
                detImage[n] = img;
                score[n] = results.score(d);
                detArea[n] = dets.area[d];
                n++;
            }
        }
        return n;
    }

    /**
     * {@code byImageScore}: positions sorted by score within each image (evaluate_img's order);
     * {@code rank[p]}: the place of position p in accumulate's cross-image order.
     */
    private void orderByScore(int n) {
        for (int p = 0; p < n; p++) {
            byImageScore[p] = p;
            byScore[p] = p;
        }
        int from = 0;
        while (from < n) {
            int to = from;
            while (to < n && detImage[to] == detImage[from]) {
                to++;
            }
            ScoreOrder.sortDescending(byImageScore, from, to, score, sortTmp);
            from = to;
        }
        // positions are in (image, file) order, so a stable sort by score breaks ties by image id, then file order
        ScoreOrder.sortDescending(byScore, 0, n, score, sortTmp);
        for (int i = 0; i < n; i++) {
            rank[byScore[i]] = i;
        }
    }

    /**
     * evaluate_img for one image: detections at {@code byImageScore[from, to)}, GT slots {@code [g0, g1)}.
     */
    private void matchImage(int from, int to, int g0, int g1, boolean notExhaustive, int n) {
        int nd = to - from;
        int ng = g1 - g0;
        ensureGtCapacity(ng, nd);
        if (masks != null) {
            maskIous(from, nd, g0, ng);
        } else {
            boxIous(from, nd, g0, ng);
        }
        for (int a = 0; a < A; a++) {
            double lo = LvisEvalParams.AREA_RANGES[a][0];
            double hi = LvisEvalParams.AREA_RANGES[a][1];
            // GT ignored for this area range go last, stably (lvis-api's argsort of _ignore, mergesort)
            int m = 0;
            for (int j = 0; j < ng; j++) {
                double area = gt.gtArea[g0 + j];
                if (!(area < lo || area > hi)) {
                    gtOrder[m] = j;
                    gtIgnored[m] = false;
                    m++;
                }
            }
            for (int j = 0; j < ng; j++) {
                double area = gt.gtArea[g0 + j];
                if (area < lo || area > hi) {
                    gtOrder[m] = j;
                    gtIgnored[m] = true;
                    m++;
                }
            }
            for (int t = 0; t < T; t++) {
                double threshold = Math.min(LvisEvalParams.IOU_THRESHOLDS[t], 1 - 1e-10);
                Arrays.fill(gtTaken, 0, ng, false);
                int stateBase = (a * T + t) * n;
                for (int i = 0; i < nd; i++) {
                    int p = byImageScore[from + i];
                    double best = threshold;
                    int match = -1;
                    for (int j = 0; j < ng; j++) {
                        if (gtTaken[j]) {
                            continue;
                        }
                        if (match > -1 && !gtIgnored[match] && gtIgnored[j]) {
                            break;
                        }
                        double v = iou[i * ng + gtOrder[j]];
                        if (v < best) {
                            continue;
                        }
                        best = v;
                        match = j;
                    }
                    boolean ignored = false;
                    boolean matched = false;
                    if (match > -1) {
                        gtTaken[match] = true;
                        ignored = gtIgnored[match];
                        matched = gt.gtIdNonZero[g0 + gtOrder[match]];
                    }
                    if (!matched && !ignored) {
                        // unmatched detections outside the area range or of a not-exhaustive category are ignored
                        ignored = detArea[p] < lo || detArea[p] > hi || notExhaustive;
                    }
                    state[stateBase + rank[p]] = ignored ? IGNORED : matched ? TP : FP;
                }
            }
        }
    }

    /** pycocotools {@code iou(dt, gt, iscrowd=0)} of the masks, as lvis-api's compute_iou for segm. */
    private void maskIous(int from, int nd, int g0, int ng) {
        if (ng == 0) {
            return;
        }
        if (gtMaskScratch.length < ng) {
            gtMaskScratch = new Rle[Math.max(ng, gtMaskScratch.length * 2)];
        }
        // GT masks of this image in a local array: the inner loop then touches no shared state
        Rle[] g = gtMaskScratch;
        for (int j = 0; j < ng; j++) {
            g[j] = masks.gt(g0 + j);
        }
        int img = gt.gtImage[g0];
        for (int i = 0; i < nd; i++) {
            Rle d = masks.dt(det[byImageScore[from + i]], img);
            for (int j = 0; j < ng; j++) {
                iou[i * ng + j] = Rle.iou(d, g[j]);
            }
        }
        Arrays.fill(g, 0, ng, null);
    }

    private void boxIous(int from, int nd, int g0, int ng) {
        for (int i = 0; i < nd; i++) {
            int d = det[byImageScore[from + i]];
            double dx = results.x(d);
            double dy = results.y(d);
            double dw = results.w(d);
            double dh = results.h(d);
            for (int j = 0; j < ng; j++) {
                iou[i * ng + j] = boxIou(dx, dy, dw, dh, gt.gtBox, 4 * (g0 + j));
            }
        }
    }

    /** pycocotools bbIou for a non-crowd GT: intersection over union in double, 0 without overlap. */
    static double boxIou(double dx, double dy, double dw, double dh, double[] g, int o) {
        double gx = g[o];
        double gy = g[o + 1];
        double gw = g[o + 2];
        double gh = g[o + 3];
        double w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
        if (w <= 0) {
            return 0;
        }
        double h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h <= 0) {
            return 0;
        }
        double i = w * h;
        double u = dw * dh + gw * gh - i;
        return i / u;
    }

    /**
     * accumulate() for one area range and IoU threshold of the current category, with the same doubles but
     * without a division per detection. lvis-api computes {@code pr[i] = tp/(tp+fp+eps)} at every i, takes the
     * maximum to the right, and reads it at {@code searchsorted(rc, threshold)}. Between two TPs, tp is constant
     * and fp grows, so pr only falls: the maximum to the right of any place is the maximum over the TPs from
     * there on, and {@code rc = tp/num_gt} first reaches a threshold at a TP. So pr is needed at TPs only.
     */
    private void accumulate(CategoryCurves out, int a, int t, int n) {
        int numGt = out.numGt[a];
        if (numGt == 0) {
            return;
        }
        int base = (a * T + t) * n;
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < n; i++) {
            byte s = state[base + i];
            if (s == TP) {
                double tpd = ++tp;
                double fpd = fp;
                tpPrecision[tp - 1] = tpd / (fpd + tpd + EPS);
            } else if (s == FP) {
                fp++;
            }
        }
        out.recall[a * T + t] = n > 0 ? (double) tp / numGt : 0.0;
        for (int k = tp - 1; k > 0; k--) {
            if (tpPrecision[k] > tpPrecision[k - 1]) {
                tpPrecision[k - 1] = tpPrecision[k];
            }
        }
        // np.searchsorted(rc, rec_thrs, side="left"): the first i with rc[i] >= threshold, which is the TP that
        // brings rc there (or i = 0, whose maximum to the right is the first TP's too); past the end gives 0.
        int offset = (a * T + t) * R;
        int k = 0; // rc at the TP with index k is (k + 1) / numGt
        for (int r = 0; r < R; r++) {
            double threshold = LvisEvalParams.RECALL_THRESHOLDS[r];
            while (k < tp && (double) (k + 1) / numGt < threshold) {
                k++;
            }
            out.precision[offset + r] = k < tp ? tpPrecision[k] : 0.0;
        }
    }

    private void ensureDetCapacity(int n) {
        if (det.length >= n) {
            return;
        }
        int cap = Math.max(n, det.length * 3 / 2);
        det = new int[cap];
        detImage = new int[cap];
        score = new double[cap];
        detArea = new double[cap];
        byImageScore = new int[cap];
        byScore = new int[cap];
        rank = new int[cap];
        sortTmp = new int[cap];
        tpPrecision = new double[cap];
    }

    private void ensureGtCapacity(int ng, int nd) {
        if (gtOrder.length < ng) {
            int cap = Math.max(ng, gtOrder.length * 2);
            gtOrder = new int[cap];
            gtIgnored = new boolean[cap];
            gtTaken = new boolean[cap];
        }
        if (iou.length < ng * nd) {
            iou = new double[Math.max(ng * nd, iou.length * 2)];
        }
    }
}

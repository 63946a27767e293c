package io.bagsflow.ml.eval;

import java.util.Arrays;

/**
 * One category's slice of lvis-api's {@code accumulate()} output: {@code precision[t, r, k, a]} and
 * {@code recall[t, k, a]}, -1 where the category has no GT in that area range, plus counts for reports.
 */
final class CategoryCurves {

    /** precision at IoU threshold t, recall threshold r, area a: index {@code (a * T + t) * R + r} */
    final double[] precision = new double[LvisEvalParams.A * LvisEvalParams.T * LvisEvalParams.R];
    /** recall at IoU threshold t, area a: index {@code a * T + t} */
    final double[] recall = new double[LvisEvalParams.A * LvisEvalParams.T];
    /** non-ignored GT per area range */
    final int[] numGt = new int[LvisEvalParams.A];
    /** detections that reach matching (area "all", ignored ones included) */
    int numDt;
    /** true positives at IoU 0.5, area "all" */
    int numTpIou50;

    CategoryCurves() {
        Arrays.fill(precision, -1.0);
        Arrays.fill(recall, -1.0);
    }

    double precision(int a, int t, int r) {
        return precision[(a * LvisEvalParams.T + t) * LvisEvalParams.R + r];
    }

    double recall(int a, int t) {
        return recall[a * LvisEvalParams.T + t];
    }
}

package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.Frequency;
import java.util.List;

/**
 * The values of one category, from lvis-api's {@code precision[t, r, k, a]} and {@code recall[t, k, a]} arrays,
 * each the mean over the entries that are not -1 (-1.0 when there are none, i.e. no GT in that area range).
 *
 * @param frequency    the category's frequency label, null when the annotation file has none
 * @param ap           AP over IoU 0.50:0.95, area all; {@code ap50}, {@code ap75} at one threshold
 * @param aps          AP for small, medium, large areas ({@code aps}, {@code apm}, {@code apl})
 * @param ar           recall at 300 detections per image averaged over IoU 0.50:0.95; {@code ars..arl} by area
 * @param apPerIou     AP at each of the 10 IoU thresholds (area all)
 * @param recallPerIou recall at each of the 10 IoU thresholds (area all)
 * @param numGt        non-ignored GT (area all)
 * @param numDt        detections that reach matching: after the 300 cut and the federated filter
 * @param numTpIou50   true positives at IoU 0.5 (area all)
 */
public record CategoryEvaluation(
        int categoryId,
        Frequency frequency,
        double ap,
        double ap50,
        double ap75,
        double aps,
        double apm,
        double apl,
        double ar,
        double ars,
        double arm,
        double arl,
        List<Double> apPerIou,
        List<Double> recallPerIou,
        int numGt,
        int numDt,
        int numTpIou50) {

    public CategoryEvaluation {
        apPerIou = List.copyOf(apPerIou);
        recallPerIou = List.copyOf(recallPerIou);
    }
}

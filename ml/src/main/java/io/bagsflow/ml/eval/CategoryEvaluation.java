package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.Frequency;
import java.util.List;

/**
 * The values of one category, from lvis-api's {@code precision[t, r, k, a]} and {@code recall[t, k, a]} arrays,
 * each the mean over the entries that are not -1 (-1.0 when there are none, i.e. no GT in that area range).
 *
 * @param frequency    the category's frequency label, null when the annotation file has none
 * @param values       the 10 values named by {@link #KEYS}, in that order: AP over IoU 0.50:0.95, area all
 *                     ({@code ap}); at one threshold ({@code ap50}, {@code ap75}); for small, medium, large areas
 *                     ({@code aps}, {@code apm}, {@code apl}); recall at 300 detections per image averaged over IoU
 *                     0.50:0.95 ({@code ar}) and by area ({@code ars..arl})
 * @param apPerIou     AP at each of the 10 IoU thresholds (area all)
 * @param recallPerIou recall at each of the 10 IoU thresholds (area all)
 * @param numGt        non-ignored GT (area all)
 * @param numDt        detections that reach matching: after the 300 cut and the federated filter
 * @param numTpIou50   true positives at IoU 0.5 (area all)
 */
public record CategoryEvaluation(
        int categoryId,
        Frequency frequency,
        List<Double> values,
        List<Double> apPerIou,
        List<Double> recallPerIou,
        int numGt,
        int numDt,
        int numTpIou50) {

    /** The names of {@link #values}, as written in the evaluation JSON's {@code per_category} entries. */
    public static final List<String> KEYS =
            List.of("ap", "ap50", "ap75", "aps", "apm", "apl", "ar", "ars", "arm", "arl");

    public CategoryEvaluation {
        values = List.copyOf(values);
        if (values.size() != KEYS.size()) {
            throw new IllegalArgumentException(
                    "category " + categoryId + ": " + KEYS.size() + " values expected, got " + values.size());
        }
        apPerIou = List.copyOf(apPerIou);
        recallPerIou = List.copyOf(recallPerIou);
    }

    /** AP over IoU 0.50:0.95, area all. */
    public double ap() {
        return values.get(0);
    }
}

package io.bagsflow.db;

import java.util.List;

/**
 * Per-category LVIS values of one evaluation (-1 = undefined). {@code trainInstances} is the category's number of
 * training instances, kept beside its AP for the AP-against-frequency plots.
 *
 * @param values the 10 values in the order of the category_ap table's value columns ({@link #COLUMNS}), which is
 *               the order of {@code io.bagsflow.ml.eval.CategoryEvaluation.KEYS}
 */
public record CategoryAp(int categoryId, String frequency, Integer trainInstances, List<Double> values) {

    /** The value columns of the category_ap table, in the order of {@link #values}. */
    static final List<String> COLUMNS = List.of("ap", "ap50", "ap75", "aps", "apm", "apl", "ar", "ars", "arm", "arl");

    public CategoryAp {
        values = List.copyOf(values);
        if (values.size() != COLUMNS.size()) {
            throw new IllegalArgumentException("category " + categoryId + ": " + COLUMNS.size() + " values ("
                    + String.join(", ", COLUMNS) + ") expected, got " + values.size());
        }
    }

    /** AP over IoU 0.50:0.95, all areas. */
    public double ap() {
        return values.get(0);
    }
}

package io.bagsflow.ml.eval;

import java.util.Locale;

/**
 * lvis-api's {@code print_results} as a markdown table: one row per summary number, e.g. lvis-api's
 * {@code Average Precision (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=300 catIds=all] = 0.412} becomes
 * {@code | (AP) | 0.50:0.95 | all | 300 | all | 41.16 |}. Results are percentages with two decimals; an
 * undefined number (lvis-api's -1) is shown as {@code -1.00}, lvis-api's own marker, never as a percentage.
 */
public final class LvisSummaryTable {

    private static final String[][] ROWS = {
        // type, IoU, area, catIds
        {"(AP)", "0.50:0.95", "all", "all"},
        {"(AP)", "0.50", "all", "all"},
        {"(AP)", "0.75", "all", "all"},
        {"(AP)", "0.50:0.95", "s", "all"},
        {"(AP)", "0.50:0.95", "m", "all"},
        {"(AP)", "0.50:0.95", "l", "all"},
        {"(AP)", "0.50:0.95", "all", "r"},
        {"(AP)", "0.50:0.95", "all", "c"},
        {"(AP)", "0.50:0.95", "all", "f"},
        {"(AR)", "0.50:0.95", "all", "all"},
        {"(AR)", "0.50:0.95", "s", "all"},
        {"(AR)", "0.50:0.95", "m", "all"},
        {"(AR)", "0.50:0.95", "l", "all"},
    };

    private LvisSummaryTable() {}

    public static String markdown(LvisMetrics metrics) {
        double[] values = metrics.values();
        StringBuilder out = new StringBuilder();
        out.append("| Type | IoU | Area | MaxDets | CatIds | Result |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (int i = 0; i < ROWS.length; i++) {
            String[] row = ROWS[i];
            out.append("| ")
                    .append(row[0])
                    .append(" | ")
                    .append(row[1])
                    .append(" | ")
                    .append(row[2])
                    .append(" | ")
                    .append(LvisEvalParams.MAX_DETS_PER_IMAGE)
                    .append(" | ")
                    .append(row[3])
                    .append(" | ")
                    .append(percent(values[i]))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** 0.41163 as {@code 41.16}; undefined (-1) as {@code -1.00}. */
    static String percent(double value) {
        if (value == -1.0) {
            return "-1.00";
        }
        return String.format(Locale.ROOT, "%.2f", value * 100);
    }
}

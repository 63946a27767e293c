package io.bagsflow.ml.report;

import io.bagsflow.ml.eval.LvisMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Model generations side by side: one row per metric, one column per model, each later column with its delta
 * against the first, in percent with two decimals (-1 = undefined prints as "-"). As aligned text for the terminal
 * and as a markdown table for papers.
 */
public final class ComparisonTable {

    /** The metrics compared, in lvis-api order (AR only at 300 detections). */
    public static final List<String> METRICS = List.of(
            LvisMetrics.AP,
            LvisMetrics.AP50,
            LvisMetrics.AP75,
            LvisMetrics.APS,
            LvisMetrics.APM,
            LvisMetrics.APL,
            LvisMetrics.APR,
            LvisMetrics.APC,
            LvisMetrics.APF,
            LvisMetrics.AR);

    private ComparisonTable() {}

    public static String markdown(List<ReportModel> models) {
        return TextTables.markdown(cells(models));
    }

    /** Metric names left, numbers right. */
    public static String text(List<ReportModel> models) {
        return TextTables.text(cells(models), (row, column) -> column == 0);
    }

    private static List<String[]> cells(List<ReportModel> models) {
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[models.size() + 1];
        header[0] = "metric";
        List<String> labels = labels(models);
        for (int i = 0; i < models.size(); i++) {
            header[i + 1] = labels.get(i);
        }
        rows.add(header);
        for (String key : METRICS) {
            String[] row = new String[models.size() + 1];
            row[0] = key;
            double first = models.get(0).metric(key);
            for (int i = 0; i < models.size(); i++) {
                double v = models.get(i).metric(key);
                String d = delta(v, first);
                row[i + 1] = percent(v) + (i == 0 || d.equals("-") ? "" : " (" + d + ")");
            }
            rows.add(row);
        }
        return rows;
    }

    /** The model's kind and generation, e.g. {@code bags (gen 1)}: unique among the models of one run. */
    static String label(ReportModel m) {
        return m.kind() + " (gen " + m.generation() + ")";
    }

    /**
     * One distinct title per model, in order, for columns and chart series (JFreeChart rejects two series with one
     * key): {@link #label} when the models come from one run, else followed by the run id; a model given twice gets
     * {@code #2}, {@code #3}, ... on its repeats.
     */
    public static List<String> labels(List<ReportModel> models) {
        boolean severalRuns = models.stream().map(ReportModel::runId).distinct().count() > 1;
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ReportModel m : models) {
            String base = severalRuns ? label(m) + " " + m.runId() : label(m);
            String title = base;
            for (int n = 2; !seen.add(title); n++) {
                title = base + " #" + n;
            }
            out.add(title);
        }
        return out;
    }

    /** A metric in percent with two decimals; "-" for undefined (-1, as lvis-api) or absent (NaN). */
    public static String percent(double v) {
        return Double.isNaN(v) || v < 0 ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    static String delta(double v, double base) {
        if (Double.isNaN(v) || Double.isNaN(base) || v < 0 || base < 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%+.2f", 100 * (v - base));
    }
}

package io.bagsflow.ml.report;

import io.bagsflow.ml.eval.BinAp;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.model.Formats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Model generations side by side: one row per metric (and one per BAGS bin), one column per model, each later column
 * with its delta against the first column evaluated on the same annotation file, in percent with two decimals (-1 =
 * undefined prints as "-"). Models evaluated on different files get no delta between them: a number on another
 * dataset is no baseline ({@link #datasetNote} says which datasets there are). Models with a mask head add their
 * mask AP rows ({@code mask AP}, ...) under the box ones, with the paper's Mask R-CNN numbers in a note. As aligned
 * text for the terminal and as a markdown table for papers.
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

    /** The mask-evaluation metrics compared (lvis-api segm keys), shown as {@code mask AP} etc. */
    public static final List<String> MASK_METRICS = List.of(
            LvisMetrics.AP, LvisMetrics.AP50, LvisMetrics.AP75, LvisMetrics.APR, LvisMetrics.APC, LvisMetrics.APF);

    /**
     * The BAGS paper's Mask R-CNN rows (19)-(20) (R50-FPN, LVIS v0.5 val): box and mask AP in percent, base then
     * BAGS. Its other mask metrics are not given here: only these four numbers are in the project's sources.
     */
    public static final double PAPER_BASE_BOX_AP = 20.78;

    public static final double PAPER_BASE_MASK_AP = 20.68;
    public static final double PAPER_BAGS_BOX_AP = 25.76;
    public static final double PAPER_BAGS_MASK_AP = 26.25;

    /** One compared row: its label and how to read its value off a model (NaN when the model lacks it). */
    public record Row(String label, ToDoubleFunction<ReportModel> value) {}

    private ComparisonTable() {}

    /**
     * The rows for these models: the box metrics, box AP per BAGS bin, then the mask metrics when any model has a
     * mask evaluation.
     */
    public static List<Row> rows(List<ReportModel> models) {
        List<Row> rows = new ArrayList<>();
        for (String key : METRICS) {
            rows.add(new Row(key, m -> m.metric(key)));
        }
        for (String bin : bins(models)) {
            rows.add(new Row(binRow(bin), m -> binAp(m, bin)));
        }
        if (models.stream().anyMatch(ReportModel::hasMasks)) {
            for (String key : MASK_METRICS) {
                rows.add(new Row("mask " + key, m -> m.maskMetric(key)));
            }
        }
        return rows;
    }

    /** The paper's box and mask AP beside ours, one line; empty when no model has masks. */
    public static String paperNote(List<ReportModel> models) {
        if (models.stream().noneMatch(ReportModel::hasMasks)) {
            return "";
        }
        return paperLine();
    }

    /** The line of the paper's box and mask AP (rows 19-20), for any page that shows mask AP. */
    public static String paperLine() {
        return String.format(
                Locale.ROOT,
                "paper (BAGS, CVPR 2020; Mask R-CNN R50-FPN on LVIS v0.5, rows 19-20), box / mask AP: "
                        + "base %.2f / %.2f, BAGS %.2f / %.2f (%+.2f / %+.2f)%n",
                PAPER_BASE_BOX_AP,
                PAPER_BASE_MASK_AP,
                PAPER_BAGS_BOX_AP,
                PAPER_BAGS_MASK_AP,
                PAPER_BAGS_BOX_AP - PAPER_BASE_BOX_AP,
                PAPER_BAGS_MASK_AP - PAPER_BASE_MASK_AP);
    }

    public static String markdown(List<ReportModel> models) {
        String note = paperNote(models);
        return TextTables.markdown(cells(models)) + (note.isEmpty() ? "" : "\n" + note);
    }

    /** Metric names left, numbers right. */
    public static String text(List<ReportModel> models) {
        return TextTables.text(cells(models), (row, column) -> column == 0) + paperNote(models);
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
        int[] base = bases(models);
        for (Row r : rows(models)) {
            String[] row = new String[models.size() + 1];
            row[0] = r.label();
            for (int i = 0; i < models.size(); i++) {
                double v = r.value().applyAsDouble(models.get(i));
                String d = delta(v, r.value().applyAsDouble(models.get(base[i])));
                row[i + 1] = percent(v) + (base[i] == i || d.equals("-") ? "" : " (" + d + ")");
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * For each model, the index of the model its deltas are against: the first model evaluated on the same
     * annotation file ({@link ReportModel#comparableOn}); a model that is the first of its dataset is its own base
     * and shows no delta.
     */
    public static int[] bases(List<ReportModel> models) {
        int[] base = new int[models.size()];
        for (int i = 0; i < models.size(); i++) {
            base[i] = i;
            String on = models.get(i).comparableOn();
            for (int j = 0; j < i; j++) {
                if (java.util.Objects.equals(on, models.get(j).comparableOn())) {
                    base[i] = j;
                    break;
                }
            }
        }
        return base;
    }

    /**
     * One line when the models were evaluated on more than one dataset, naming each with its columns (deltas stay
     * within a dataset); empty when they share one.
     */
    public static String datasetNote(List<ReportModel> models) {
        java.util.Map<String, List<String>> columns = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        List<String> labels = labels(models);
        for (int i = 0; i < models.size(); i++) {
            ReportModel m = models.get(i);
            String on = String.valueOf(m.comparableOn());
            columns.computeIfAbsent(on, k -> new ArrayList<>()).add(labels.get(i));
            String sha = m.evaluationDataset();
            String name = (m.lineage() == null ? "?" : m.lineage().dataset())
                    + (sha == null ? "" : " (" + m.split() + " " + sha.substring(0, Math.min(8, sha.length())) + ")");
            names.putIfAbsent(on, name);
        }
        if (columns.size() < 2) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        columns.forEach((on, cols) -> parts.add(names.get(on) + ": " + String.join(", ", cols)));
        return "evaluated on " + columns.size() + " different datasets, so deltas are only within one: "
                + String.join("; ", parts);
    }

    /**
     * What the numbers are on: the test split, or val when some model's dataset has no held-out split (val then
     * serves as test, which the reader has to know).
     */
    public static String splitNote(List<ReportModel> models) {
        boolean anyVal = models.stream().anyMatch(m -> m.split() != null && m.testIsVal());
        boolean any = models.stream().anyMatch(m -> m.split() != null);
        if (!any) {
            return "";
        }
        return anyVal
                ? "metrics on val: no held-out test split for (some of) these models, val serves as test"
                : "metrics on the held-out test split";
    }

    /** The BAGS bins any model has AP for, in the order first seen. */
    static List<String> bins(List<ReportModel> models) {
        List<String> out = new ArrayList<>();
        for (ReportModel m : models) {
            for (BinAp b : m.binAp()) {
                if (!out.contains(b.bin())) {
                    out.add(b.bin());
                }
            }
        }
        return out;
    }

    /** The row name of a bin's AP, e.g. {@code AP [10,100)}. */
    static String binRow(String bin) {
        return "AP " + bin;
    }

    /** A model's AP in a bin; NaN when it has none. */
    static double binAp(ReportModel m, String bin) {
        return m.binAp().stream()
                .filter(b -> b.bin().equals(bin))
                .mapToDouble(BinAp::ap)
                .findFirst()
                .orElse(Double.NaN);
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
        return Formats.percent(v);
    }

    static String delta(double v, double base) {
        return Formats.percentDelta(v, base);
    }
}

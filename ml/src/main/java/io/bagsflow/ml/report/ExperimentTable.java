package io.bagsflow.ml.report;

import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.stats.ExperimentSummary;
import io.bagsflow.ml.stats.SampleStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An experiment's summary as a table: one row per (grid parameters, model kind), each metric as
 * "mean ± half-width of the 95% interval" in percent, and the paired AP difference to the base with its interval.
 * As aligned text for the terminal and as a markdown table.
 */
public final class ExperimentTable {

    /** The metrics shown (the JSON has all 13). */
    public static final List<String> METRICS = LvisMetrics.HEADLINE;

    /** The mask metrics shown, when the models have mask heads (AP, APr, APc, APf of the segm evaluation). */
    public static final List<String> MASK_METRICS = List.of(
            maskKey(LvisMetrics.AP), maskKey(LvisMetrics.APR), maskKey(LvisMetrics.APC), maskKey(LvisMetrics.APF));

    /** The summary's name of a mask-evaluation metric: {@code mask AP} for the segm evaluation's AP. */
    public static String maskKey(String key) {
        return "mask " + key;
    }

    /**
     * {@code keys}, followed by their mask versions ({@code mask AP}, ...) when a model of these cells has mask
     * metrics: the metrics a summary over cells of box-only and of mask models takes.
     */
    public static List<String> withMaskKeys(List<String> keys, List<ExperimentSummary.Cell> cells) {
        boolean masks = cells.stream()
                .flatMap(c -> c.metrics().values().stream())
                .anyMatch(m -> m.containsKey(maskKey(LvisMetrics.AP)));
        List<String> out = new ArrayList<>(keys);
        if (masks) {
            keys.forEach(k -> out.add(maskKey(k)));
        }
        return out;
    }

    /** The metric columns of these rows: the headline ones, and the mask ones when any row has mask values. */
    static List<String> shown(List<ExperimentSummary.Row> rows) {
        boolean masks = rows.stream().anyMatch(r -> {
            SampleStats s = r.metrics().get(maskKey(LvisMetrics.AP));
            return s != null && s.n() > 0;
        });
        List<String> out = new ArrayList<>(METRICS);
        if (masks) {
            out.addAll(MASK_METRICS);
        }
        return out;
    }

    private ExperimentTable() {}

    /** The header and the parameter and kind columns left, numbers right. */
    public static String text(List<ExperimentSummary.Row> rows) {
        List<String[]> cells = cells(rows);
        int firstNumber = firstNumber(cells);
        return TextTables.text(cells, (row, column) -> row == 0 || column < firstNumber);
    }

    public static String markdown(List<ExperimentSummary.Row> rows) {
        return TextTables.markdown(cells(rows));
    }

    /** Header and rows: the grid keys, kind, n, the metrics, ΔAP vs base. */
    public static List<String[]> cells(List<ExperimentSummary.Row> rows) {
        List<String> keys =
                rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).params().keySet());
        List<String[]> out = new ArrayList<>();
        List<String> metrics = shown(rows);
        List<String> header = new ArrayList<>(keys);
        header.addAll(List.of("kind", "n"));
        header.addAll(metrics);
        header.add("ΔAP vs base [95% CI]");
        out.add(header.toArray(String[]::new));
        for (ExperimentSummary.Row row : rows) {
            List<String> r = new ArrayList<>();
            for (String k : keys) {
                r.add(String.valueOf(row.params().get(k)));
            }
            r.add(row.kind());
            r.add(String.valueOf(row.n()));
            for (String m : metrics) {
                r.add(meanPlusMinus(row.metrics().get(m)));
            }
            r.add(row.base() ? "" : delta(row.deltaVsBase().get(LvisMetrics.AP)));
            out.add(r.toArray(String[]::new));
        }
        return out;
    }

    /** The paired differences as aligned text: one row per grid setting and two kinds, the headline metrics. */
    public static String pairsText(List<ExperimentSummary.Pair> pairs) {
        List<String[]> cells = pairCells(pairs);
        int firstNumber = cells.get(0).length - METRICS.size() - 1;
        return TextTables.text(cells, (row, column) -> row == 0 || column < firstNumber);
    }

    public static String pairsMarkdown(List<ExperimentSummary.Pair> pairs) {
        return TextTables.markdown(pairCells(pairs));
    }

    /**
     * Header and rows of the paired differences: the grid keys, "a - b", n (the seeds both have), and per headline
     * metric "mean [95% CI]" in percent points. An interval that excludes zero says which of the two is better.
     */
    public static List<String[]> pairCells(List<ExperimentSummary.Pair> pairs) {
        List<String> keys =
                pairs.isEmpty() ? List.of() : List.copyOf(pairs.get(0).params().keySet());
        List<String[]> out = new ArrayList<>();
        List<String> header = new ArrayList<>(keys);
        header.addAll(List.of("a - b", "n"));
        for (String m : METRICS) {
            header.add("Δ" + m);
        }
        out.add(header.toArray(String[]::new));
        Map<List<Object>, Map<String, ExperimentSummary.Pair>> rows = new java.util.LinkedHashMap<>();
        for (ExperimentSummary.Pair p : pairs) {
            rows.computeIfAbsent(List.of(p.params(), p.a(), p.b()), k -> new java.util.LinkedHashMap<>())
                    .put(p.metric(), p);
        }
        for (var row : rows.entrySet()) {
            ExperimentSummary.Pair any = row.getValue().values().iterator().next();
            List<String> r = new ArrayList<>();
            for (String k : keys) {
                r.add(String.valueOf(any.params().get(k)));
            }
            r.add(any.a() + " - " + any.b());
            ExperimentSummary.Pair ap = row.getValue().get(LvisMetrics.AP);
            r.add(String.valueOf((ap == null ? any : ap).difference().n()));
            for (String m : METRICS) {
                ExperimentSummary.Pair p = row.getValue().get(m);
                r.add(p == null ? "-" : delta(p.difference()));
            }
            out.add(r.toArray(String[]::new));
        }
        return out;
    }

    /** The paired differences between grid settings as aligned text: one row per kind and two settings. */
    public static String settingPairsText(List<ExperimentSummary.SettingPair> pairs) {
        List<String[]> cells = settingPairCells(pairs);
        int firstNumber = cells.get(0).length - METRICS.size() - 1;
        return TextTables.text(cells, (row, column) -> row == 0 || column < firstNumber);
    }

    /**
     * Header and rows of the paired differences between grid settings: the kind, "a - b" (each setting as
     * {@code key=value} pairs), n (the seeds both have), and per headline metric "mean [95% CI]" in percent points.
     */
    public static List<String[]> settingPairCells(List<ExperimentSummary.SettingPair> pairs) {
        List<String[]> out = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("kind", "a - b", "n"));
        for (String m : METRICS) {
            header.add("Δ" + m);
        }
        out.add(header.toArray(String[]::new));
        Map<List<Object>, Map<String, ExperimentSummary.SettingPair>> rows = new java.util.LinkedHashMap<>();
        for (ExperimentSummary.SettingPair p : pairs) {
            rows.computeIfAbsent(List.of(p.kind(), p.a(), p.b()), k -> new java.util.LinkedHashMap<>())
                    .put(p.metric(), p);
        }
        for (var row : rows.values()) {
            ExperimentSummary.SettingPair any = row.values().iterator().next();
            ExperimentSummary.SettingPair ap = row.get(LvisMetrics.AP);
            List<String> r = new ArrayList<>();
            r.add(any.kind());
            r.add(setting(any.a()) + " - " + setting(any.b()));
            r.add(String.valueOf((ap == null ? any : ap).difference().n()));
            for (String m : METRICS) {
                ExperimentSummary.SettingPair p = row.get(m);
                r.add(p == null ? "-" : delta(p.difference()));
            }
            out.add(r.toArray(String[]::new));
        }
        return out;
    }

    /** A grid setting as {@code key=value key=value}, in the grid's key order. */
    public static String setting(Map<String, Object> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(" ", parts);
    }

    private static int firstNumber(List<String[]> cells) {
        return java.util.Arrays.asList(cells.get(0)).lastIndexOf("n");
    }

    /** "12.34 ± 1.56" in percent; "12.34" alone with one seed; "-" when undefined. */
    public static String meanPlusMinus(SampleStats s) {
        if (s == null || s.n() == 0 || Double.isNaN(s.mean())) {
            return "-";
        }
        String mean = String.format(Locale.ROOT, "%.2f", 100 * s.mean());
        if (Double.isNaN(s.ciHigh())) {
            return mean;
        }
        return mean + " ± " + String.format(Locale.ROOT, "%.2f", 100 * (s.ciHigh() - s.mean()));
    }

    /** "+1.23 [-0.40, 2.86]" in percent points. */
    public static String delta(SampleStats s) {
        if (s == null || s.n() == 0 || Double.isNaN(s.mean())) {
            return "-";
        }
        String mean = String.format(Locale.ROOT, "%+.2f", 100 * s.mean());
        if (Double.isNaN(s.ciHigh())) {
            return mean;
        }
        return mean + String.format(Locale.ROOT, " [%+.2f, %+.2f]", 100 * s.ciLow(), 100 * s.ciHigh());
    }

    /** The parameters of a row as "key=value, ...". */
    public static String params(Map<String, Object> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }
}

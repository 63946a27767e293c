package io.bagsflow.ml.report;

import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.stats.ExperimentSummary;
import io.bagsflow.ml.stats.SampleStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The published results tables, computed from an experiment's per-seed results (the committed files under
 * {@code results/}): per grid setting, one table of the models' metrics (mean ± half-width of the 95% interval over
 * the seeds) and one of paired differences on the same seeds against each reference kind (the base model, BAGS).
 * A difference whose interval includes zero is marked {@code n.s.}: the data do not show it either way, and the
 * text above the table must not claim it.
 */
public final class ResultsMarkdown {

    /** The metrics shown, in the paper's order: by frequency, then overall. */
    public static final List<String> METRICS =
            List.of(LvisMetrics.AP, LvisMetrics.APR, LvisMetrics.APC, LvisMetrics.APF);

    /** The marker of a paired difference whose 95% interval includes zero. */
    public static final String NOT_SHOWN = "n.s.";

    private ResultsMarkdown() {}

    /**
     * @param cells      the succeeded cells, each with every kind's metrics (fractions)
     * @param references the kinds differences are taken against, in column order (the first is the base model's);
     *                   a reference no cell has is left out
     * @param label      the first column's text for a kind (e.g. its name and the paper's row)
     */
    public static String tables(
            List<ExperimentSummary.Cell> cells, List<String> references, Function<String, String> label) {
        StringBuilder out = new StringBuilder();
        Map<Map<String, Object>, List<ExperimentSummary.Cell>> settings = new LinkedHashMap<>();
        for (ExperimentSummary.Cell c : cells) {
            settings.computeIfAbsent(c.params(), p -> new ArrayList<>()).add(c);
        }
        for (var setting : settings.entrySet()) {
            if (!setting.getKey().isEmpty()) {
                out.append("Setting `")
                        .append(ExperimentTable.params(setting.getKey()))
                        .append("`:\n\n");
            }
            List<String> present = references.stream()
                    .filter(r -> setting.getValue().stream()
                            .anyMatch(c -> c.metrics().containsKey(r)))
                    .toList();
            List<String> metrics = ExperimentTable.withMaskKeys(METRICS, setting.getValue());
            List<ExperimentSummary.Row> rows =
                    ExperimentSummary.summarize(setting.getValue(), metrics, present.isEmpty() ? "" : present.get(0));
            out.append(TextTables.markdown(metricCells(rows, metrics, label))).append('\n');
            for (String reference : present) {
                List<ExperimentSummary.Row> against =
                        ExperimentSummary.summarize(setting.getValue(), metrics, reference);
                out.append("Paired differences to `")
                        .append(reference)
                        .append("` on the same seeds, percent points, mean [95% interval]:\n\n");
                out.append(TextTables.markdown(deltaCells(against, metrics, reference, label)))
                        .append('\n');
            }
        }
        if (settings.size() > 1 && !references.isEmpty()) {
            String base = references.get(0);
            List<ExperimentSummary.SettingPair> gains = ExperimentSummary.settingGainPairs(cells, METRICS, base);
            if (!gains.isEmpty()) {
                out.append("Paired differences between settings of each model's gain over `")
                        .append(base)
                        .append("` (per seed, model minus `")
                        .append(base)
                        .append("` under the first setting, minus the same under the second), percent points, ")
                        .append("mean [95% interval]:\n\n");
                out.append(TextTables.markdown(gainCells(gains, label))).append('\n');
            }
        }
        return out.toString();
    }

    private static List<String[]> gainCells(List<ExperimentSummary.SettingPair> gains, Function<String, String> label) {
        List<String[]> out = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("model", "settings", "n"));
        for (String m : METRICS) {
            header.add("Δ gain " + m);
        }
        out.add(header.toArray(String[]::new));
        // one row per (kind, pair of settings), the metrics across: the pairs come kind by kind, metric by metric
        record RowKey(String kind, String settings) {}
        Map<RowKey, Map<String, SampleStats>> rows = new LinkedHashMap<>();
        for (ExperimentSummary.SettingPair g : gains) {
            rows.computeIfAbsent(new RowKey(g.kind(), settings(g.a(), g.b())), k -> new LinkedHashMap<>())
                    .put(g.metric(), g.difference());
        }
        for (var row : rows.entrySet()) {
            SampleStats ap = row.getValue().get(LvisMetrics.AP);
            List<String> r = new ArrayList<>(List.of(
                    label.apply(row.getKey().kind()),
                    row.getKey().settings(),
                    String.valueOf(ap == null ? 0 : ap.n())));
            for (String m : METRICS) {
                r.add(delta(row.getValue().get(m)));
            }
            out.add(r.toArray(String[]::new));
        }
        return out;
    }

    /** "key: a − b" when the two settings differ in one key, else both settings written out. */
    static String settings(Map<String, Object> a, Map<String, Object> b) {
        List<String> differing = a.keySet().stream()
                .filter(k -> !Objects.equals(a.get(k), b.get(k)))
                .toList();
        if (differing.size() == 1 && a.keySet().equals(b.keySet())) {
            String k = differing.get(0);
            return k + ": " + a.get(k) + " − " + b.get(k);
        }
        return ExperimentTable.params(a) + " − " + ExperimentTable.params(b);
    }

    private static List<String[]> metricCells(
            List<ExperimentSummary.Row> rows, List<String> metrics, Function<String, String> label) {
        List<String[]> out = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("model", "n"));
        header.addAll(metrics);
        out.add(header.toArray(String[]::new));
        for (ExperimentSummary.Row row : rows) {
            List<String> r = new ArrayList<>(List.of(label.apply(row.kind()), String.valueOf(row.n())));
            for (String m : metrics) {
                r.add(ExperimentTable.meanPlusMinus(row.metrics().get(m)));
            }
            out.add(r.toArray(String[]::new));
        }
        return out;
    }

    private static List<String[]> deltaCells(
            List<ExperimentSummary.Row> rows, List<String> metrics, String reference, Function<String, String> label) {
        List<String[]> out = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("model", "n"));
        for (String m : metrics) {
            header.add("Δ" + m + " vs " + reference);
        }
        out.add(header.toArray(String[]::new));
        for (ExperimentSummary.Row row : rows) {
            if (row.kind().equals(reference)) {
                continue;
            }
            List<String> r = new ArrayList<>(List.of(
                    label.apply(row.kind()),
                    String.valueOf(row.deltaVsBase().get(LvisMetrics.AP).n())));
            for (String m : metrics) {
                r.add(delta(row.deltaVsBase().get(m)));
            }
            out.add(r.toArray(String[]::new));
        }
        return out;
    }

    /** "+1.23 [+0.40, +2.86]", with {@value #NOT_SHOWN} appended when the interval includes zero. */
    static String delta(SampleStats s) {
        String text = ExperimentTable.delta(s);
        if (s == null || s.n() < 2 || Double.isNaN(s.ciLow())) {
            return text;
        }
        return s.ciLow() <= 0 && s.ciHigh() >= 0 ? text + " " + NOT_SHOWN : text;
    }

    /** A one-line description of the seeds: "seeds 301-308 (8)" for a run of consecutive seeds. */
    public static String seeds(List<Long> seeds) {
        List<Long> sorted = seeds.stream().distinct().sorted().toList();
        if (sorted.isEmpty()) {
            return "no seeds";
        }
        boolean consecutive = sorted.get(sorted.size() - 1) - sorted.get(0) == sorted.size() - 1;
        String list = consecutive && sorted.size() > 2
                ? sorted.get(0) + "-" + sorted.get(sorted.size() - 1)
                : String.join(", ", sorted.stream().map(String::valueOf).toList());
        return String.format(Locale.ROOT, "seeds %s (%d)", list, sorted.size());
    }
}

package io.bagsflow.ml.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An experiment's results over its seeds: one row per (grid parameters, model kind) with the mean, spread and 95%
 * interval of each metric, and of its paired difference to the base model of the same cell (same seed, same
 * run), which removes the seed-to-seed variation the two share. Undefined metrics (-1 in lvis-api, or missing)
 * are left out of that metric's sample.
 */
public final class ExperimentSummary {

    private ExperimentSummary() {}

    /**
     * One finished cell: its grid parameters, seed, and the metrics of each model kind it evaluated.
     *
     * @param metrics kind to (metric key to value)
     */
    public record Cell(Map<String, Object> params, long seed, Map<String, Map<String, Double>> metrics) {}

    /**
     * A summary row; {@code deltaVsBase} pairs each seed's value with the same seed's base model.
     *
     * @param base whether this is the base model's row (its deltas are zero by construction)
     */
    public record Row(
            Map<String, Object> params,
            String kind,
            boolean base,
            int n,
            Map<String, SampleStats> metrics,
            Map<String, SampleStats> deltaVsBase) {}

    /**
     * @param keys the metric keys in their order (the 13 LVIS keys)
     * @param baseKind the kind of the base model (generation 0), which the deltas are taken against; the caller
     *     names it because the kinds are the pipeline's vocabulary, which this module does not know
     */
    public static List<Row> summarize(List<Cell> cells, List<String> keys, String baseKind) {
        // rows in the order their parameters and kinds first appear
        Map<Map<String, Object>, Map<String, List<Cell>>> groups = new LinkedHashMap<>();
        for (Cell cell : cells) {
            Map<String, List<Cell>> byKind = groups.computeIfAbsent(cell.params(), p -> new LinkedHashMap<>());
            for (String kind : cell.metrics().keySet()) {
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(cell);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (var group : groups.entrySet()) {
            for (var kindCells : group.getValue().entrySet()) {
                String kind = kindCells.getKey();
                List<Cell> of = kindCells.getValue();
                Map<String, SampleStats> metrics = new LinkedHashMap<>();
                Map<String, SampleStats> deltas = new LinkedHashMap<>();
                for (String key : keys) {
                    List<Double> values = new ArrayList<>();
                    List<Double> differences = new ArrayList<>();
                    for (Cell c : of) {
                        Double v = defined(c.metrics().get(kind).get(key));
                        if (v == null) {
                            continue;
                        }
                        values.add(v);
                        Map<String, Double> base = c.metrics().get(baseKind);
                        Double b = base == null ? null : defined(base.get(key));
                        if (b != null) {
                            differences.add(v - b);
                        }
                    }
                    metrics.put(key, SampleStats.of(toArray(values)));
                    // the base against itself: exactly zero, which keeps every row's shape the same
                    deltas.put(key, SampleStats.of(toArray(differences)));
                }
                rows.add(new Row(group.getKey(), kind, kind.equals(baseKind), of.size(), metrics, deltas));
            }
        }
        return rows;
    }

    /**
     * The paired difference {@code a - b} of two kinds in one grid setting, over the seeds where both have the metric:
     * the seed-to-seed variation the two share cancels, so an interval that excludes zero says one beats the other.
     */
    public record Pair(Map<String, Object> params, String a, String b, String metric, SampleStats difference) {}

    /**
     * Every two kinds of each grid setting (in the order the kinds first appear, the earlier as {@code a}), for every
     * metric: the mean and 95% Student-t interval of their per-seed differences.
     */
    public static List<Pair> pairs(List<Cell> cells, List<String> keys) {
        Map<Map<String, Object>, List<Cell>> groups = new LinkedHashMap<>();
        Map<Map<String, Object>, List<String>> kinds = new LinkedHashMap<>();
        for (Cell cell : cells) {
            groups.computeIfAbsent(cell.params(), p -> new ArrayList<>()).add(cell);
            List<String> seen = kinds.computeIfAbsent(cell.params(), p -> new ArrayList<>());
            for (String kind : cell.metrics().keySet()) {
                if (!seen.contains(kind)) {
                    seen.add(kind);
                }
            }
        }
        List<Pair> out = new ArrayList<>();
        for (var group : groups.entrySet()) {
            List<String> k = kinds.get(group.getKey());
            for (int i = 0; i < k.size(); i++) {
                for (int j = i + 1; j < k.size(); j++) {
                    for (String key : keys) {
                        List<Double> differences = new ArrayList<>();
                        for (Cell c : group.getValue()) {
                            Map<String, Double> a = c.metrics().get(k.get(i));
                            Map<String, Double> b = c.metrics().get(k.get(j));
                            Double va = a == null ? null : defined(a.get(key));
                            Double vb = b == null ? null : defined(b.get(key));
                            if (va != null && vb != null) {
                                differences.add(va - vb);
                            }
                        }
                        out.add(new Pair(
                                group.getKey(), k.get(i), k.get(j), key, SampleStats.of(toArray(differences))));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The paired difference {@code a - b} of one kind between two grid settings, over the seeds where both settings
     * have the metric: whether changing the settings changed that kind's result by more than the seeds explain.
     */
    public record SettingPair(
            String kind, Map<String, Object> a, Map<String, Object> b, String metric, SampleStats difference) {}

    /**
     * For every kind, every two grid settings that both ran it (settings in the order they first appear, the earlier
     * as {@code a}), for every metric: the mean and 95% Student-t interval of the per-seed differences. Empty for an
     * experiment of one setting.
     */
    public static List<SettingPair> settingPairs(List<Cell> cells, List<String> keys) {
        return settingPairs(cells, keys, "", (metrics, kind, key) -> {
            Map<String, Double> m = metrics.get(kind);
            return m == null ? null : defined(m.get(key));
        });
    }

    /**
     * As {@link #settingPairs}, but of each kind's gain over the base model of the same cell (kind minus base, per
     * seed) rather than of its value: whether a setting changed what a method adds, apart from how it changed the
     * dataset or the base model both start from. The base kind itself has no row (its gain is zero by definition).
     */
    public static List<SettingPair> settingGainPairs(List<Cell> cells, List<String> keys, String baseKind) {
        return settingPairs(cells, keys, baseKind, (metrics, kind, key) -> {
            Map<String, Double> m = metrics.get(kind);
            Map<String, Double> base = metrics.get(baseKind);
            Double v = m == null ? null : defined(m.get(key));
            Double b = base == null ? null : defined(base.get(key));
            return v == null || b == null ? null : v - b;
        });
    }

    /** One cell's number for a kind and metric key, or null where it has none. */
    private interface CellValue {
        Double of(Map<String, Map<String, Double>> metrics, String kind, String key);
    }

    /** @param skip a kind left out of the pairs ("" for none) */
    private static List<SettingPair> settingPairs(List<Cell> cells, List<String> keys, String skip, CellValue value) {
        // setting -> seed -> kind -> metrics; a seed appears once per setting
        Map<Map<String, Object>, Map<Long, Map<String, Map<String, Double>>>> bySetting = new LinkedHashMap<>();
        List<String> kinds = new ArrayList<>();
        for (Cell cell : cells) {
            bySetting.computeIfAbsent(cell.params(), p -> new LinkedHashMap<>()).put(cell.seed(), cell.metrics());
            for (String kind : cell.metrics().keySet()) {
                if (!kinds.contains(kind) && !kind.equals(skip)) {
                    kinds.add(kind);
                }
            }
        }
        List<Map<String, Object>> settings = new ArrayList<>(bySetting.keySet());
        List<SettingPair> out = new ArrayList<>();
        for (String kind : kinds) {
            for (int i = 0; i < settings.size(); i++) {
                for (int j = i + 1; j < settings.size(); j++) {
                    Map<Long, Map<String, Map<String, Double>>> a = bySetting.get(settings.get(i));
                    Map<Long, Map<String, Map<String, Double>>> b = bySetting.get(settings.get(j));
                    if (!ranKind(a, kind) || !ranKind(b, kind)) {
                        continue;
                    }
                    for (String key : keys) {
                        List<Double> differences = new ArrayList<>();
                        for (var seed : a.entrySet()) {
                            Map<String, Map<String, Double>> other = b.get(seed.getKey());
                            Double va = value.of(seed.getValue(), kind, key);
                            Double vb = other == null ? null : value.of(other, kind, key);
                            if (va != null && vb != null) {
                                differences.add(va - vb);
                            }
                        }
                        out.add(new SettingPair(
                                kind, settings.get(i), settings.get(j), key, SampleStats.of(toArray(differences))));
                    }
                }
            }
        }
        return out;
    }

    private static boolean ranKind(Map<Long, Map<String, Map<String, Double>>> setting, String kind) {
        return setting.values().stream().anyMatch(m -> m.containsKey(kind));
    }

    private static Double defined(Double v) {
        return v == null || v.isNaN() || v < 0 ? null : v;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream()
                .filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue)
                .toArray();
    }
}

package io.bagsflow.ml.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.report.ExperimentTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paired differences between every two kinds of a grid setting, over the seeds both have. */
class ExperimentPairsTest {

    private static final Map<String, Object> GRID = Map.of("bins", "default");

    private static ExperimentSummary.Cell cell(long seed, double base, double bags, Double crt) {
        Map<String, Map<String, Double>> metrics = new java.util.LinkedHashMap<>();
        metrics.put("base", Map.of("AP", base, "APr", -1.0));
        metrics.put("bags", Map.of("AP", bags, "APr", 0.1));
        if (crt != null) {
            metrics.put("crt", Map.of("AP", crt, "APr", 0.2));
        }
        return new ExperimentSummary.Cell(GRID, seed, metrics);
    }

    @Test
    void everyTwoKindsGetTheMeanAndStudentTIntervalOfTheirPerSeedDifferences() {
        List<ExperimentSummary.Cell> cells = List.of(
                cell(1, 0.30, 0.33, 0.31),
                cell(2, 0.20, 0.24, 0.23),
                cell(3, 0.25, 0.27, 0.25),
                cell(4, 0.22, 0.25, null));
        List<ExperimentSummary.Pair> pairs = ExperimentSummary.pairs(cells, List.of("AP", "APr"));
        assertEquals(
                List.of("base-bags:AP", "base-bags:APr", "base-crt:AP", "base-crt:APr", "bags-crt:AP", "bags-crt:APr"),
                pairs.stream().map(p -> p.a() + "-" + p.b() + ":" + p.metric()).toList());

        // bags - crt on seeds 1-3 (seed 4 has no crt): 0.02, 0.01, 0.02
        SampleStats d = pairs.get(4).difference();
        assertEquals(3, d.n());
        assertEquals(0.05 / 3, d.mean(), 1e-12);
        double std = Math.sqrt((Math.pow(0.02 - 0.05 / 3, 2) * 2 + Math.pow(0.01 - 0.05 / 3, 2)) / 2);
        double half = 4.302652729911275 * std / Math.sqrt(3); // t(0.975, 2)
        assertEquals(0.05 / 3 - half, d.ciLow(), 1e-9);
        assertEquals(0.05 / 3 + half, d.ciHigh(), 1e-9);
        assertEquals(GRID, pairs.get(4).params());

        // base - bags: -0.03, -0.04, -0.02, -0.03 on four seeds; an interval below zero
        SampleStats baseBags = pairs.get(0).difference();
        assertEquals(4, baseBags.n());
        assertEquals(-0.03, baseBags.mean(), 1e-12);
        assertTrue(baseBags.ciHigh() < 0, baseBags.toString());
        // APr of base is undefined (-1): no pair of values, no difference
        assertEquals(0, pairs.get(1).difference().n());
    }

    @Test
    void thePairsTableShowsOneRowPerTwoKindsWithTheirIntervals() {
        List<ExperimentSummary.Pair> pairs =
                ExperimentSummary.pairs(List.of(cell(1, 0.30, 0.33, 0.31), cell(2, 0.20, 0.24, 0.23)), List.of("AP"));
        List<String[]> cells = ExperimentTable.pairCells(pairs);
        assertEquals(
                List.of("bins", "a - b", "n", "ΔAP", "ΔAP50", "ΔAP75", "ΔAPr", "ΔAPc", "ΔAPf"), List.of(cells.get(0)));
        assertEquals(4, cells.size());
        assertEquals("base - bags", cells.get(1)[1]);
        assertEquals("2", cells.get(1)[2]);
        assertTrue(cells.get(1)[3].startsWith("-3.50 ["), cells.get(1)[3]);
        assertEquals("-", cells.get(1)[4], "metrics that were not summarised show as -");
    }

    private static ExperimentSummary.Cell setting(Object lr, long seed, double base, double bags) {
        Map<String, Map<String, Double>> metrics = new java.util.LinkedHashMap<>();
        metrics.put("base", Map.of("AP", base));
        metrics.put("bags", Map.of("AP", bags));
        return new ExperimentSummary.Cell(Map.of("lr", lr), seed, metrics);
    }

    @Test
    void eachKindIsPairedBetweenEveryTwoSettingsOnTheSeedsBothRan() {
        List<ExperimentSummary.Cell> cells = List.of(
                setting(0.01, 1, 0.30, 0.33),
                setting(0.01, 2, 0.20, 0.24),
                setting(0.01, 3, 0.25, 0.27),
                setting(0.02, 1, 0.30, 0.35),
                setting(0.02, 2, 0.20, 0.25),
                setting(0.04, 1, 0.30, 0.31));
        List<ExperimentSummary.SettingPair> pairs = ExperimentSummary.settingPairs(cells, List.of("AP"));
        assertEquals(
                List.of(
                        "base 0.01-0.02",
                        "base 0.01-0.04",
                        "base 0.02-0.04",
                        "bags 0.01-0.02",
                        "bags 0.01-0.04",
                        "bags 0.02-0.04"),
                pairs.stream()
                        .map(p -> p.kind() + " " + p.a().get("lr") + "-" + p.b().get("lr"))
                        .toList());
        // bags at 0.01 minus at 0.02 on seeds 1 and 2 (seed 3 has no 0.02 cell): -0.02, -0.01
        SampleStats d = pairs.get(3).difference();
        assertEquals(2, d.n());
        assertEquals(-0.015, d.mean(), 1e-12);
        // the base is the same network under either lr here: its differences are exactly zero
        assertEquals(0.0, pairs.get(0).difference().mean(), 0.0);
        List<String[]> table = ExperimentTable.settingPairCells(pairs);
        assertEquals(List.of("kind", "a - b", "n"), List.of(table.get(0)).subList(0, 3));
        assertEquals("lr=0.01 - lr=0.02", table.get(4)[1]);
        assertEquals("2", table.get(4)[2]);
    }

    @Test
    void anExperimentOfOneSettingHasNoSettingPairs() {
        assertTrue(ExperimentSummary.settingPairs(
                        List.of(cell(1, 0.30, 0.33, 0.31), cell(2, 0.20, 0.24, 0.23)), List.of("AP"))
                .isEmpty());
    }
}

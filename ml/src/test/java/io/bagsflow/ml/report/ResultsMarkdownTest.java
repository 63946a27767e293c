package io.bagsflow.ml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.stats.ExperimentSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsMarkdownTest {

    /** AP, APr, APc, APf of one model on one seed. */
    private static Map<String, Double> ap(double ap, double apr, double apc, double apf) {
        return Map.of("AP", ap, "APr", apr, "APc", apc, "APf", apf);
    }

    private static ExperimentSummary.Cell cell(long seed, double bagsGain, double controlGain) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        double base = 0.5 + 0.01 * seed;
        metrics.put("base", ap(base, base - 0.2, base, base + 0.1));
        metrics.put("control", ap(base + controlGain, base - 0.2, base, base + 0.1));
        metrics.put("bags", ap(base + bagsGain, base - 0.1, base, base + 0.1));
        return new ExperimentSummary.Cell(Map.of(), seed, metrics);
    }

    @Test
    void differencesWhoseIntervalIncludesZeroAreMarkedNotShownAndTheOthersAreNot() {
        // bags gains 2-4 points on every seed; control gains +1 or -1 alternately: no sign either way
        List<ExperimentSummary.Cell> cells =
                List.of(cell(1, 0.02, 0.01), cell(2, 0.03, -0.01), cell(3, 0.04, 0.01), cell(4, 0.03, -0.01));
        String md = ResultsMarkdown.tables(cells, List.of("base", "bags"), k -> k.equals("bags") ? "bags (14)" : k);

        String bagsVsBase = md.lines()
                .filter(l -> l.startsWith("| bags (14) | 4 | +3.00 ["))
                .findFirst()
                .orElseThrow(() -> new AssertionError(md));
        assertFalse(bagsVsBase.split("\\|")[3].contains(ResultsMarkdown.NOT_SHOWN), bagsVsBase);
        String controlVsBase = md.lines()
                .filter(l -> l.startsWith("| control | 4 | +0.00 ["))
                .findFirst()
                .orElseThrow(() -> new AssertionError(md));
        assertTrue(controlVsBase.split("\\|")[3].contains(ResultsMarkdown.NOT_SHOWN), controlVsBase);
        // against bags: control is 3 points lower on average, with its own interval
        assertTrue(md.contains("| control | 4 | -3.00 ["), md);
        assertTrue(md.contains("Paired differences to `base`") && md.contains("Paired differences to `bags`"), md);
        // the metrics table: base first, with mean ± half-width in percent
        assertTrue(md.contains("| base | 4 | 52.50 ± "), md);
    }

    @Test
    void aReferenceNoCellHasIsLeftOut() {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        metrics.put("base", ap(0.5, 0.3, 0.5, 0.6));
        metrics.put("crt", ap(0.6, 0.5, 0.5, 0.6));
        List<ExperimentSummary.Cell> cells = List.of(
                new ExperimentSummary.Cell(Map.of(), 1, metrics), new ExperimentSummary.Cell(Map.of(), 2, metrics));
        String md = ResultsMarkdown.tables(cells, List.of("base", "bags"), k -> k);
        assertFalse(md.contains("to `bags`"), md);
        assertEquals(1, md.split("Paired differences").length - 1, md);
    }

    @Test
    void aGridGetsPairedDifferencesOfEachModelsGainBetweenItsSettings() {
        // setting "hard": the base is 10 points lower and bags gains 4 points over it; setting "easy": bags gains 1 to
        // 2 points; control's gain alternates +1/-1 under both, so its change between settings is not shown
        List<ExperimentSummary.Cell> cells = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            double wobble = seed % 2 == 0 ? 0.01 : -0.01;
            cells.add(withParams(cell(seed, 0.04, wobble, -0.1), Map.of("siblings", "hard")));
            cells.add(withParams(cell(seed, 0.01 + 0.01 * (seed % 2), -wobble, 0), Map.of("siblings", "easy")));
        }
        String md = ResultsMarkdown.tables(cells, List.of("base", "bags"), k -> k);

        assertTrue(md.contains("Paired differences between settings of each model's gain over `base`"), md);
        // bags: 4 - (1 or 2) = 3 or 2 points per seed, mean 2.5, an interval above zero
        String bags = md.lines()
                .filter(l -> l.startsWith("| bags | siblings: hard − easy | 4 | +2.50 ["))
                .findFirst()
                .orElseThrow(() -> new AssertionError(md));
        assertFalse(bags.split("\\|")[4].contains(ResultsMarkdown.NOT_SHOWN), bags);
        // control: +2 or -2 points per seed, mean 0: not shown
        String control = md.lines()
                .filter(l -> l.startsWith("| control | siblings: hard − easy | 4 | +0.00 ["))
                .findFirst()
                .orElseThrow(() -> new AssertionError(md));
        assertTrue(control.split("\\|")[4].contains(ResultsMarkdown.NOT_SHOWN), control);
        // the base's gain over itself is zero by definition: no row; the 10 points between the settings' base
        // models are in the per-setting tables, not here
        assertFalse(md.lines().anyMatch(l -> l.startsWith("| base | siblings:")), md);
    }

    @Test
    void oneSettingGetsNoTableBetweenSettings() {
        List<ExperimentSummary.Cell> cells = List.of(cell(1, 0.02, 0.01), cell(2, 0.03, -0.01));
        assertFalse(
                ResultsMarkdown.tables(cells, List.of("base", "bags"), k -> k).contains("between settings"));
    }

    private static ExperimentSummary.Cell cell(long seed, double bagsGain, double controlGain, double baseShift) {
        ExperimentSummary.Cell c = cell(seed, bagsGain, controlGain);
        Map<String, Map<String, Double>> shifted = new LinkedHashMap<>();
        c.metrics().forEach((kind, m) -> {
            Map<String, Double> s = new LinkedHashMap<>();
            m.forEach((k, v) -> s.put(k, v + baseShift));
            shifted.put(kind, s);
        });
        return new ExperimentSummary.Cell(c.params(), seed, shifted);
    }

    private static ExperimentSummary.Cell withParams(ExperimentSummary.Cell c, Map<String, Object> params) {
        return new ExperimentSummary.Cell(params, c.seed(), c.metrics());
    }

    @Test
    void consecutiveSeedsAreWrittenAsARange() {
        assertEquals(
                "seeds 301-308 (8)", ResultsMarkdown.seeds(List.of(308L, 301L, 302L, 303L, 304L, 305L, 306L, 307L)));
        assertEquals("seeds 1, 5 (2)", ResultsMarkdown.seeds(List.of(5L, 1L)));
    }
}

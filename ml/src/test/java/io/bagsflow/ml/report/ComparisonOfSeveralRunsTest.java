package io.bagsflow.ml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Models of two runs side by side: same kinds and generations, so the run tells the columns and series apart. */
class ComparisonOfSeveralRunsTest {

    private static final List<ReportModel> TWO_RUNS = List.of(
            model("run-a", "base", 0, 0.30),
            model("run-a", "bags", 1, 0.32),
            model("run-b", "base", 0, 0.31),
            model("run-b", "bags", 1, 0.35));

    @Test
    void columnTitlesNameTheRunWhenModelsComeFromSeveralRuns() {
        assertEquals(
                List.of("base (gen 0) run-a", "bags (gen 1) run-a", "base (gen 0) run-b", "bags (gen 1) run-b"),
                ComparisonTable.labels(TWO_RUNS));
        String header = ComparisonTable.markdown(TWO_RUNS).lines().findFirst().orElseThrow();
        assertEquals(
                "| metric | base (gen 0) run-a | bags (gen 1) run-a | base (gen 0) run-b | bags (gen 1) run-b |",
                header);
    }

    @Test
    void oneRunKeepsTheShortTitlesAndAModelGivenTwiceIsNumbered() {
        assertEquals(List.of("base (gen 0)", "bags (gen 1)"), ComparisonTable.labels(TWO_RUNS.subList(0, 2)));
        assertEquals(
                List.of("base (gen 0)", "base (gen 0) #2"),
                ComparisonTable.labels(List.of(TWO_RUNS.get(0), TWO_RUNS.get(0))));
    }

    @Test
    void everyChartDrawsModelsOfTwoRunsWithOneLegendEntryEach() {
        for (String svg : List.of(
                ReportCharts.apByFrequency(TWO_RUNS),
                ReportCharts.apVsInstances(TWO_RUNS),
                ReportCharts.weightNorms(TWO_RUNS),
                ReportCharts.lossCurves(TWO_RUNS))) {
            assertTrue(svg.contains("run-a") && svg.contains("run-b"), "legend names both runs");
        }
    }

    private static ReportModel model(String run, String kind, int generation, double ap) {
        Map<String, Double> metrics = Map.of("AP", ap, "APr", ap - 0.1, "APc", ap, "APf", ap + 0.1);
        return new ReportModel(
                run + "-" + kind,
                run,
                generation,
                kind,
                generation == 0 ? null : run + "-base",
                metrics,
                List.of(
                        new ReportModel.CategoryPoint(1, "r", 5, ap),
                        new ReportModel.CategoryPoint(2, "f", 500, ap + 0.1)),
                List.of(new ReportModel.NormPoint(1, 5, 1.0), new ReportModel.NormPoint(2, 500, 2.0)),
                List.of(new ReportModel.CurvePoint(0, 2.0), new ReportModel.CurvePoint(10, 1.0)),
                new ReportModel.Lineage("synth:tiny:1", "m", "g", "c", "{}", "0.1.0", "now"),
                null,
                null,
                false,
                List.of(),
                Map.of());
    }
}

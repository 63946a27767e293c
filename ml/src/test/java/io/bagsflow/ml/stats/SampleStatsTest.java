package io.bagsflow.ml.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleStatsTest {

    @Test
    void twoSeedsGiveTheMeanTheSampleStdAndAWideInterval() {
        SampleStats s = SampleStats.of(new double[] {0.20, 0.30});
        assertEquals(2, s.n());
        assertEquals(0.25, s.mean(), 1e-15);
        assertEquals(Math.sqrt(0.005), s.std(), 1e-15);
        // half-width t(0.975, 1) * std / sqrt(2) = 12.7062 * 0.0707107 / 1.41421 = 0.635310
        assertEquals(0.25 - 0.635310, s.ciLow(), 1e-5);
        assertEquals(0.25 + 0.635310, s.ciHigh(), 1e-5);
    }

    @Test
    void oneValueHasNoSpread() {
        SampleStats s = SampleStats.of(new double[] {0.4});
        assertEquals(0.4, s.mean());
        assertTrue(Double.isNaN(s.std()) && Double.isNaN(s.ciLow()));
    }

    @Test
    void summaryRowsPairEachKindWithTheBaseOfTheSameSeed() {
        Map<String, Object> ratio0 = Map.of("finetune.othersSampleRatio", 0);
        List<ExperimentSummary.Cell> cells =
                List.of(cell(ratio0, 31, 0.10, 0.15), cell(ratio0, 32, 0.20, 0.23), cell(ratio0, 33, 0.30, 0.36));
        List<ExperimentSummary.Row> rows = ExperimentSummary.summarize(cells, List.of("AP", "APr"), "base");
        assertEquals(
                List.of("base", "bags"),
                rows.stream().map(ExperimentSummary.Row::kind).toList());
        ExperimentSummary.Row bags = rows.get(1);
        assertEquals(3, bags.n());
        assertEquals((0.15 + 0.23 + 0.36) / 3, bags.metrics().get("AP").mean(), 1e-12);
        // paired differences 0.05, 0.03, 0.06: mean 0.04667, std 0.015275, t(0.975, 2) = 4.3027
        SampleStats d = bags.deltaVsBase().get("AP");
        assertEquals(0.0466667, d.mean(), 1e-6);
        assertEquals(0.0152753, d.std(), 1e-6);
        assertEquals(0.0466667 - 4.302653 * 0.0152753 / Math.sqrt(3), d.ciLow(), 1e-6);
        // APr is undefined (-1) in every cell: an empty sample, not a number
        assertEquals(0, bags.metrics().get("APr").n());
        assertTrue(rows.get(0).base() && !bags.base(), "the row of the kind named as the base is the base row");
        assertEquals(0.0, rows.get(0).deltaVsBase().get("AP").mean());
        assertEquals(0.0, rows.get(0).deltaVsBase().get("AP").ciHigh());
    }

    private static ExperimentSummary.Cell cell(Map<String, Object> params, long seed, double base, double bags) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        metrics.put("base", Map.of("AP", base, "APr", -1.0));
        metrics.put("bags", Map.of("AP", bags, "APr", -1.0));
        return new ExperimentSummary.Cell(params, seed, metrics);
    }
}

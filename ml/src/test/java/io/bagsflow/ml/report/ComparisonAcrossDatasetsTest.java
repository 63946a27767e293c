package io.bagsflow.ml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.eval.BinAp;
import java.awt.Color;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code compare RUN1 RUN2} on runs of different datasets: no delta crosses a dataset, one line says which datasets
 * there are; AP per BAGS bin as rows; the split the numbers are on; chart colours that stay distinct past 8 models.
 */
class ComparisonAcrossDatasetsTest {

    private static final String SEED7 = "7".repeat(64);
    private static final String SEED8 = "8".repeat(64);

    private static final List<ReportModel> TWO_DATASETS = List.of(
            model("run-7", "synth:small:7", SEED7, "base", 0, 0.30, 0.10),
            model("run-7", "synth:small:7", SEED7, "bags", 1, 0.32, 0.15),
            model("run-8", "synth:small:8", SEED8, "base", 0, 0.20, 0.05),
            model("run-8", "synth:small:8", SEED8, "bags", 1, 0.25, 0.12));

    @Test
    void deltasStayWithinOneDatasetAndOneLineNamesTheDatasets() {
        assertEquals(0, ComparisonTable.bases(TWO_DATASETS)[1]);
        assertEquals(2, ComparisonTable.bases(TWO_DATASETS)[2], "seed 8's base is its own first column");
        assertEquals(2, ComparisonTable.bases(TWO_DATASETS)[3]);
        String ap = ComparisonTable.text(TWO_DATASETS)
                .lines()
                .filter(l -> l.startsWith("AP "))
                .findFirst()
                .orElseThrow();
        // seed 8's base: 20.00 with no delta (not -10.00 against seed 7's base); its bags: +5.00 against it
        assertTrue(
                ap.matches("AP\\s+30\\.00\\s+32\\.00 \\(\\+2\\.00\\)\\s+20\\.00\\s+25\\.00 \\(\\+5\\.00\\)\\s*"), ap);
        assertEquals(
                "evaluated on 2 different datasets, so deltas are only within one: synth:small:7 (test 77777777): "
                        + "base (gen 0) run-7, bags (gen 1) run-7; synth:small:8 (test 88888888): base (gen 0) run-8, "
                        + "bags (gen 1) run-8",
                ComparisonTable.datasetNote(TWO_DATASETS));
        assertEquals("", ComparisonTable.datasetNote(TWO_DATASETS.subList(0, 2)));
        String html = HtmlReport.render("t", "s", TWO_DATASETS);
        assertTrue(html.contains("id=\"datasets\""), "the HTML report says so too");
        assertFalse(html.contains("(-10.00)"), "no cross-dataset delta in the HTML");
    }

    @Test
    void apPerBagsBinIsARowOfTheComparisonWithItsDelta() {
        String bin = ComparisonTable.text(TWO_DATASETS)
                .lines()
                .filter(l -> l.startsWith("AP [0,10)"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                bin.matches(
                        "AP \\[0,10\\)\\s+10\\.00\\s+15\\.00 \\(\\+5\\.00\\)\\s+5\\.00\\s+12\\.00 \\(\\+7\\.00\\)\\s*"),
                bin);
        assertTrue(ComparisonTable.markdown(TWO_DATASETS).contains("| AP [10,100) |"));
        assertTrue(HtmlReport.render("t", "s", TWO_DATASETS, false).contains("<td>AP [0,10)</td>"));
    }

    @Test
    void theSplitTheNumbersAreOnIsSaidAndValServingAsTestIsSaidToo() {
        assertEquals("metrics on the held-out test split", ComparisonTable.splitNote(TWO_DATASETS));
        ReportModel noTest = new ReportModel(
                "m",
                "r",
                0,
                "base",
                null,
                Map.of("AP", 0.3),
                List.of(),
                List.of(),
                List.of(),
                TWO_DATASETS.get(0).lineage(),
                "test",
                SEED7,
                true,
                List.of(),
                Map.of());
        assertEquals(
                "metrics on val: no held-out test split for (some of) these models, val serves as test",
                ComparisonTable.splitNote(List.of(noTest)));
    }

    @Test
    void seriesColoursStayDistinctPastEightSeries() {
        Set<Integer> seen = new HashSet<>();
        double closest = Double.MAX_VALUE;
        for (int i = 0; i < 24; i++) {
            Color c = SeriesColors.of(i);
            assertTrue(seen.add(c.getRGB()), "colour " + i + " repeats an earlier one");
            for (int j = 0; j < i; j++) {
                Color d = SeriesColors.of(j);
                double dist = Math.sqrt(Math.pow(c.getRed() - d.getRed(), 2)
                        + Math.pow(c.getGreen() - d.getGreen(), 2)
                        + Math.pow(c.getBlue() - d.getBlue(), 2));
                closest = Math.min(closest, dist);
            }
        }
        assertTrue(closest > 25, "two of the first 24 colours are only " + closest + " apart in RGB");
        assertNotEquals(SeriesColors.of(0), SeriesColors.of(8), "the 9th model no longer takes the 1st one's colour");
    }

    private static ReportModel model(
            String run, String dataset, String sha, String kind, int generation, double ap, double rareBin) {
        Map<String, Double> metrics = Map.of("AP", ap, "APr", ap - 0.1, "APc", ap, "APf", ap + 0.1);
        return new ReportModel(
                run + "-" + kind,
                run,
                generation,
                kind,
                generation == 0 ? null : run + "-base",
                metrics,
                List.of(),
                List.of(),
                List.of(),
                new ReportModel.Lineage(dataset, "m", "g", "c", "{}", "0.1.0", "now"),
                "test",
                sha,
                false,
                List.of(new BinAp("[0,10)", 20, 19, rareBin), new BinAp("[10,100)", 18, 18, ap)),
                Map.of());
    }
}

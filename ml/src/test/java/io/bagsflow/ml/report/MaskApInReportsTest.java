package io.bagsflow.ml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.stats.ExperimentSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mask AP next to box AP: in the comparison table, the HTML report and the experiment table. */
class MaskApInReportsTest {

    @Test
    void modelsWithMasksGetMaskRowsUnderTheBoxRowsAndThePapersNumbers() {
        List<ReportModel> models = List.of(model("base", 0, 0.30, 0.28), model("bags", 1, 0.33, 0.32));
        String text = ComparisonTable.text(models);
        List<String> labels =
                text.lines().map(l -> l.split("\\s{2,}")[0].trim()).toList();
        assertEquals(
                List.of("mask AP", "mask AP50", "mask AP75", "mask APr", "mask APc", "mask APf"),
                labels.stream().filter(l -> l.startsWith("mask")).toList());
        assertTrue(labels.indexOf("AR@300") < labels.indexOf("mask AP"), "box rows first: " + text);
        assertTrue(text.contains("28.00") && text.contains("32.00 (+4.00)"), text);
        assertTrue(
                text.contains("base 20.78 / 20.68, BAGS 25.76 / 26.25 (+4.98 / +5.57)"),
                "the paper's rows 19-20: " + text);
        assertTrue(ComparisonTable.markdown(models).contains("| mask APr |"));
        String html = HtmlReport.render("run", "2 model generations", models);
        assertTrue(html.contains("<td>mask AP</td>") && html.contains("id=\"paper-masks\""));
    }

    @Test
    void modelsWithoutMasksKeepTheTablesTheyHad() {
        List<ReportModel> models = List.of(model("base", 0, 0.30, -2), model("bags", 1, 0.33, -2));
        assertFalse(ComparisonTable.text(models).contains("mask"));
        assertFalse(ComparisonTable.markdown(models).contains("paper"));
        assertFalse(HtmlReport.render("run", "s", models).contains("paper-masks"));
    }

    @Test
    void theExperimentTableShowsMaskColumnsWhenTheRunsHadMasks() {
        Map<String, Map<String, Double>> withMasks = new LinkedHashMap<>();
        withMasks.put("base", Map.of("AP", 0.3, "APr", 0.1, "APc", 0.3, "APf", 0.4, "mask AP", 0.25, "mask APr", 0.05));
        withMasks.put("bags", Map.of("AP", 0.33, "APr", 0.2, "APc", 0.3, "APf", 0.4, "mask AP", 0.3, "mask APr", 0.1));
        List<String> keys = List.of("AP", "APr", "APc", "APf", "mask AP", "mask APr", "mask APc", "mask APf");
        List<ExperimentSummary.Row> rows = ExperimentSummary.summarize(
                List.of(new ExperimentSummary.Cell(Map.of("x", 1), 1, withMasks)), keys, "base");
        List<String[]> cells = ExperimentTable.cells(rows);
        List<String> header = List.of(cells.get(0));
        assertTrue(header.containsAll(ExperimentTable.MASK_METRICS), header.toString());
        assertEquals("30.00", cells.get(2)[header.indexOf("mask AP")]);
        assertTrue(ExperimentTable.text(rows).contains("mask APr"));

        Map<String, Map<String, Double>> boxOnly = new LinkedHashMap<>();
        boxOnly.put("base", Map.of("AP", 0.3, "APr", 0.1, "APc", 0.3, "APf", 0.4));
        List<ExperimentSummary.Row> plain = ExperimentSummary.summarize(
                List.of(new ExperimentSummary.Cell(Map.of("x", 1), 1, boxOnly)), keys, "base");
        assertFalse(List.of(ExperimentTable.cells(plain).get(0)).contains("mask AP"));
    }

    /** A model; {@code maskAp} below -1 means no mask evaluation. */
    private static ReportModel model(String kind, int generation, double ap, double maskAp) {
        Map<String, Double> metrics = Map.of("AP", ap, "APr", ap - 0.1, "APc", ap, "APf", ap + 0.1);
        Map<String, Double> mask = maskAp < -1
                ? Map.of()
                : Map.of(
                        "AP",
                        maskAp,
                        "AP50",
                        maskAp + 0.2,
                        "AP75",
                        maskAp,
                        "APr",
                        maskAp - 0.1,
                        "APc",
                        maskAp,
                        "APf",
                        maskAp + 0.1);
        return new ReportModel(
                "run-" + kind,
                "run",
                generation,
                kind,
                generation == 0 ? null : "run-base",
                metrics,
                List.of(new ReportModel.CategoryPoint(1, "r", 5, ap)),
                List.of(),
                List.of(),
                new ReportModel.Lineage("synth:tiny:1", "m", "g", "c", "{}", "0.1.0", "now"),
                "test",
                "t".repeat(64),
                false,
                List.of(),
                mask);
    }
}

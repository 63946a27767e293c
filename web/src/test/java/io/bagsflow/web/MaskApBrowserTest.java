package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.activities.experiment.ExperimentSpecs;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.RunView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Mask AP where a user looks, in headless Chromium: an experiment of one real tiny run with
 * {@code "detector": {"masks": true}} (base and BAGS, each scored by box and by mask), then its run page, the runs
 * list, the experiment page and the compare page each show mask AP, APr, APc and APf next to the box ones, with the
 * numbers the run history stored, and the paper's Mask R-CNN rows (19)-(20) beside them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class MaskApBrowserTest {

    private static final List<String> FOUR = List.of("AP", "APr", "APc", "APf");
    private static final List<String> MASK_FOUR = List.of("mask AP", "mask APr", "mask APc", "mask APf");

    private static BrowserUi ui;
    private static Chromium browser;
    private static String base;
    private static String experiment;
    private static String run;
    private static RunView view;

    @BeforeAll
    static void anExperimentOfOneTinyRunWithMasks() throws Exception {
        ui = BrowserUi.start("mask-ui-test-worker");
        browser = ui.browser;
        base = ui.base;
        // 40 iterations train the mask head enough for mask AP above zero on tiny (MaskPipelineTest's setting)
        experiment = ui.backend.experimentLauncher.start(ExperimentSpecs.parse("{\"base\": {\"dataset\":"
                + " {\"synth\": {\"preset\": \"tiny\"}}, \"detector\": {\"masks\": true, \"iterations\": 40},"
                + " \"generations\": [\"bags\"]}, \"grid\": {}, \"seeds\": [11]}"));
        ui.backend.experimentLauncher.await(experiment);
        var shown = ui.backend.experiments().show(experiment).orElseThrow();
        assertEquals("SUCCEEDED", shown.status().name(), "the masked experiment: " + shown);
        run = shown.cells().get(0).runId();
        view = ui.backend.history().show(run).orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ui != null) {
            ui.close();
        }
    }

    @Test
    @Order(1)
    void theRunPageListsEachModelsMaskEvaluationBesideItsBoxOneWithThePapersRows() throws Exception {
        browser.open(base + "/runs/" + run);
        JsonNode header = browser.eval("[...document.querySelectorAll('#evaluations th')].map(th => th.innerText)");
        assertEquals("iou", header.get(2).asText(), header.toString());
        List<String> columns = strings(header);
        for (String kind : List.of("base", "bags")) {
            for (String iou : List.of("bbox", "segm")) {
                EvaluationView e = evaluation(kind, iou);
                String row = browser.text("[...document.querySelectorAll('#evaluations tbody tr')].map(tr =>"
                        + " [...tr.cells].map(td => td.innerText.trim()).join('|')).find(r => r.startsWith('"
                        + e.modelId() + "|test|" + iou + "|'))");
                List<String> cells = List.of(row.split("\\|", -1));
                for (String m : FOUR) {
                    assertEquals(
                            ComparisonTable.percent(e.metrics().get(m)),
                            cells.get(columns.indexOf(m)),
                            kind + " " + iou + " " + m + ": " + row);
                }
            }
        }
        // a trained mask head: mask AP above zero, so the mask rows are numbers, not placeholders
        assertTrue(
                evaluation("bags", "segm").metrics().get("AP") > 0,
                view.evaluations().toString());
        assertPaperRows("document.getElementById('paper-masks').innerText");
    }

    @Test
    @Order(2)
    void theRunsListHasMaskColumnsAfterTheBoxOnesAndKeepsThemWhenItRedrawsFromTheApi() throws Exception {
        browser.open(base + "/runs");
        List<String> header = strings(
                browser.eval("[...document.querySelectorAll('#runs thead th')].map(th => th.innerText.trim())"));
        int ap = header.indexOf("AP");
        assertEquals(FOUR, header.subList(ap, ap + 4), header.toString());
        assertEquals(MASK_FOUR, header.subList(ap + 4, ap + 8), header.toString());
        // the list shows the bags model's numbers on test, box and mask
        List<String> expected = new ArrayList<>();
        FOUR.forEach(m -> expected.add(
                ComparisonTable.percent(evaluation("bags", "bbox").metrics().get(m))));
        FOUR.forEach(m -> expected.add(
                ComparisonTable.percent(evaluation("bags", "segm").metrics().get(m))));
        String cells = "[...[...document.querySelectorAll('#runs tbody tr')].find(tr => tr.cells[0].innerText.trim()"
                + " === '" + run + "').cells].slice(" + ap + ", " + (ap + 8) + ").map(td => td.innerText.trim())";
        assertEquals(expected, strings(browser.eval(cells)));

        // app.js redraws the rows from /api/runs: the mask columns come from its mask_metrics
        int polls = browser.eval("Number(document.getElementById('runs').dataset.polls || 0)")
                .asInt();
        browser.waitFor("Number(document.getElementById('runs').dataset.polls || 0) > " + polls);
        assertEquals(expected, strings(browser.eval(cells)));
        browser.screenshot("runs-masks");
    }

    @Test
    @Order(3)
    void theExperimentPageSummarisesMaskApBesideBoxApWithThePapersRows() throws Exception {
        browser.open(base + "/experiments/" + experiment);
        List<String> header =
                strings(browser.eval("[...document.querySelectorAll('#summary th')].map(th => th.innerText.trim())"));
        assertTrue(header.containsAll(FOUR) && header.containsAll(MASK_FOUR), header.toString());
        assertTrue(header.indexOf("APf") < header.indexOf("mask AP"), header.toString());
        List<String> bags = strings(browser.eval("[...[...document.querySelectorAll('#summary tbody tr')]"
                + ".find(tr => tr.innerText.includes('bags')).cells].map(td => td.innerText.trim())"));
        // one seed: the mean is the run's own number (no interval from one value)
        for (String m : FOUR) {
            assertEquals(
                    ComparisonTable.percent(evaluation("bags", "bbox").metrics().get(m)),
                    bags.get(header.indexOf(m)).split(" ± ")[0],
                    m + ": " + bags);
            assertEquals(
                    ComparisonTable.percent(evaluation("bags", "segm").metrics().get(m)),
                    bags.get(header.indexOf("mask " + m)).split(" ± ")[0],
                    "mask " + m + ": " + bags);
        }
        assertPaperRows("document.getElementById('paper-masks').innerText");
        browser.screenshot("experiment-masks");
    }

    @Test
    @Order(4)
    void theComparePageHasMaskRowsUnderTheBoxRowsWithThePapersRows() throws Exception {
        browser.open(base + "/compare?models=" + run);
        List<String> labels = strings(browser.eval(
                "[...document.querySelectorAll('#comparison tbody tr')].map(tr => tr.cells[0].innerText.trim())"));
        assertTrue(labels.containsAll(MASK_FOUR), labels.toString());
        assertTrue(labels.indexOf("AR@300") < labels.indexOf("mask AP"), labels.toString());
        String bagsMaskAp = browser.text("[...document.querySelectorAll('#comparison tbody tr')].find(tr =>"
                + " tr.cells[0].innerText.trim() === 'mask AP').cells[2].innerText");
        assertTrue(
                bagsMaskAp.startsWith(ComparisonTable.percent(
                        evaluation("bags", "segm").metrics().get("AP"))),
                bagsMaskAp);
        assertPaperRows("document.getElementById('paper-masks').innerText");
    }

    /** The paper's rows (19)-(20): box / mask AP of base and BAGS. */
    private static void assertPaperRows(String expression) throws Exception {
        String text = browser.text(expression);
        assertTrue(
                text.contains("rows 19-20")
                        && text.contains("base 20.78 / 20.68")
                        && text.contains("BAGS 25.76 / 26.25"),
                text);
    }

    /** The run's evaluation on test of its model of this kind by this IoU type. */
    private static EvaluationView evaluation(String kind, String iouType) {
        String model = view.models().stream()
                .filter(m -> m.kind().equals(kind))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " model: " + view.models()))
                .modelId();
        return view.evaluations().stream()
                .filter(e -> e.modelId().equals(model)
                        && e.split().equals("test")
                        && e.iouType().equals(iouType))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no " + iouType + " evaluation on test of " + kind + ": " + view.evaluations()));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

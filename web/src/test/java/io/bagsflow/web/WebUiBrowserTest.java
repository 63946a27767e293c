package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.activities.experiment.ExperimentSpecs;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.worker.history.RunViews.RunView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The web UI in headless Chromium against the embedded services with a real worker: a finished tiny run in the
 * runs list and on its page (stages, models with kinds and parents, metrics, the report's plots), the compare
 * page, retry and abort of a waiting run from its page, an experiment's page from its first cell to its summary and
 * plots, and no request to anywhere but the UI's own address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class WebUiBrowserTest {

    private static BrowserUi ui;
    private static Chromium browser;
    private static TestBackend backend;
    private static String base;
    private static String finished;
    private static String waiting;

    @BeforeAll
    static void aFinishedAndAWaitingRun() throws Exception {
        ui = BrowserUi.start("web-test-worker");
        browser = ui.browser;
        backend = ui.backend;
        base = ui.base;
        finished = backend.launcher.start(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\","
                        + " \"seed\": 7}}, \"generations\": [\"bags\", \"control\"]}"),
                null,
                null);
        assertEquals("SUCCEEDED", backend.launcher.await(finished).status().name());
        // a learning rate this large diverges: TRAIN_BASE fails for good and the run waits for a retry
        waiting = backend.launcher.start(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\","
                        + " \"seed\": 5}}, \"detector\": {\"learningRate\": 1000000.0, \"maxNonFiniteSteps\": 3},"
                        + " \"generations\": [\"bags\"]}"),
                null,
                null);
        waitFor(waiting, v -> v.status().name().equals("WAITING_FOR_RETRY"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ui != null) {
            ui.close();
        }
    }

    @Test
    @Order(1)
    void theRunsListShowsTheFinishedRun() throws Exception {
        browser.open(base + "/runs");
        browser.waitFor("document.querySelector('#runs tbody').innerText.includes('" + finished + "')");
        String row = browser.text("[...document.querySelectorAll('#runs tbody tr')].find(tr => tr.innerText"
                + ".includes('" + finished + "')).innerText");
        assertTrue(row.contains("SUCCEEDED") && row.contains("synth:tiny:7"), row);
        browser.screenshot("runs");
    }

    @Test
    @Order(2)
    void theRunPageShowsFourStagesModelsWithParentsMetricsAndTheReportsPlots() throws Exception {
        browser.open(base + "/runs/" + finished);
        browser.waitFor("document.querySelectorAll('#stages tr.stage').length === 4");
        assertEquals(
                "PREPARE SUCCEEDED|TRAIN_BASE SUCCEEDED|FINETUNE_BAGS SUCCEEDED|EVALUATE SUCCEEDED",
                browser.text("[...document.querySelectorAll('#stages tr.stage')].map(tr => tr.cells[0].innerText"
                        + " + ' ' + tr.cells[1].innerText).join('|')"));
        assertTrue(browser.text("document.getElementById('stages').innerText").contains("web-test-worker"));

        assertEquals(
                "base -|bags " + finished + "-base|control " + finished + "-base",
                browser.text("[...document.querySelectorAll('#models tbody tr')].map(tr => tr.querySelector('.kind')"
                        + ".innerText + ' ' + tr.querySelector('.parent').innerText).join('|')"));

        JsonNode header = browser.eval("[...document.querySelectorAll('#evaluations th')].map(th => th.innerText)");
        // model, split, the 13 LVIS metrics, AP per BAGS bin of the default bins
        assertEquals(19, header.size(), header.toString());
        assertEquals("split", header.get(1).asText());
        assertEquals("AP", header.get(2).asText());
        assertEquals("ARl@300", header.get(14).asText());
        assertEquals("AP [0,10)", header.get(15).asText());
        assertEquals(
                "val|test|val|test|val|test",
                browser.text("[...document.querySelectorAll('#evaluations tbody tr')].map(tr => tr.cells[1]"
                        + ".innerText).join('|')"));
        JsonNode ap = browser.eval(
                "[...document.querySelectorAll('#evaluations tbody tr')].map(tr => tr.cells[2]" + ".innerText)");
        assertEquals(6, ap.size());
        for (JsonNode v : ap) {
            double percent = Double.parseDouble(v.asText());
            assertTrue(percent >= 0 && percent <= 100, ap.toString());
        }

        browser.waitFor("document.getElementById('report').contentDocument"
                + " && document.getElementById('report').contentDocument.readyState === 'complete'"
                + " && document.getElementById('report').contentDocument.querySelectorAll('figure svg').length >= 4");
        assertEquals(
                List.of("ap-by-frequency", "ap-vs-instances", "weight-norms", "loss-curves"),
                strings(browser.eval("[...document.getElementById('report').contentDocument"
                        + ".querySelectorAll('figure')].map(f => f.id)")));
        assertTrue(browser.eval("[...document.querySelectorAll('#artifacts a')].length")
                        .asInt()
                > 5);
        browser.screenshot("run");
    }

    @Test
    @Order(3)
    void theModelPageShowsItsLineageAndTheComparePageTheTableAndPlots() throws Exception {
        browser.open(base + "/models/" + finished + "-bags");
        String lineage = browser.text("document.getElementById('lineage').innerText");
        assertTrue(
                lineage.contains("synth:tiny:7")
                        && lineage.contains(finished + "-base")
                        && lineage.contains(finished + "-bags"),
                lineage);
        browser.screenshot("model");

        browser.open(base + "/compare?models=" + finished);
        assertEquals(
                13,
                browser.eval("document.querySelectorAll('#comparison tbody tr').length")
                        .asInt());
        assertEquals(
                4,
                browser.eval("document.querySelectorAll('#plots figure svg').length")
                        .asInt());
        browser.screenshot("compare");
    }

    @Test
    @Order(4)
    void aWaitingRunIsRetriedWithAnOverrideAndThenAbortedFromItsPage() throws Exception {
        browser.open(base + "/runs/" + waiting);
        browser.waitFor("document.querySelectorAll('#stages tr.stage').length === 4");
        assertTrue(browser.text("document.getElementById('stages').innerText").contains("FAILED"));
        browser.screenshot("waiting");
        // the same divergent rate again: the retry runs and the run waits once more, with a second attempt
        browser.eval("document.querySelector('#retry-form textarea').value = 'detector.maxNonFiniteSteps=2'");
        browser.eval("document.getElementById('retry').click()");
        browser.waitFor("document.getElementById('notice')");
        assertTrue(browser.text("document.getElementById('notice').innerText").contains("retry sent"));
        RunView retried = waitFor(
                waiting,
                v -> v.status().name().equals("WAITING_FOR_RETRY")
                        && v.stages().get(1).attempts().size() == 2);
        assertEquals(
                2, retried.spec().path("detector").path("maxNonFiniteSteps").asInt());

        browser.open(base + "/runs/" + waiting);
        browser.eval("document.getElementById('abort').click()");
        browser.waitFor("document.getElementById('notice')");
        assertEquals(
                "ABORTED",
                waitFor(waiting, v -> v.status().name().equals("ABORTED"))
                        .status()
                        .name());
        browser.open(base + "/runs/" + waiting);
        assertEquals(
                0,
                browser.eval("document.querySelectorAll('#abort, #retry').length")
                        .asInt(),
                "an ended run offers no actions");
    }

    @Test
    @Order(5)
    void theRunPageOfARunningTrainingShowsTheStepAdvancingWithoutAReload() throws Exception {
        String running = backend.launcher.start(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\","
                        + " \"seed\": 7}}, \"detector\": {\"iterations\": 100000}, \"generations\": [\"bags\"],"
                        + " \"reuse\": false}"),
                null,
                null);
        try {
            browser.open(base + "/runs/" + running);
            browser.eval("window.sameDocument = true");
            String step = "(document.querySelector('#stages .attempt.RUNNING .step') || {}).innerText || ''";
            try {
                browser.waitFor("/step [1-9]/.test(" + step + ")");
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\nrun: "
                                + io.bagsflow.worker.history.HistoryJson.run(
                                        backend.history().show(running).orElseThrow()),
                        e);
            }
            String first = browser.text(step);
            browser.waitFor(step + " !== "
                    + com.fasterxml.jackson.databind.json.JsonMapper.builder()
                            .build()
                            .writeValueAsString(first) + " && /step [1-9]/.test(" + step + ")");
            assertTrue(
                    browser.eval("window.sameDocument === true").asBoolean(),
                    "the page was reloaded: " + backend.history().show(running).orElseThrow());
            String progress = browser.text("document.querySelector('#stages .attempt.RUNNING .progress').innerText");
            assertTrue(progress.contains("loss") && progress.contains("ETA"), progress);
            browser.screenshot("running");
        } finally {
            if (backend.history().show(running).orElseThrow().status().name().equals("RUNNING")) {
                backend.launcher.abort(running, "the test has seen enough");
            }
        }
    }

    @Test
    @Order(6)
    void theExperimentPageFollowsTheCellsAndThenShowsTheSummaryAndPlots() throws Exception {
        String experiment = backend.experimentLauncher.start(ExperimentSpecs.parse("{\"base\": {\"dataset\":"
                + " {\"synth\": {\"preset\": \"tiny\"}}, \"generations\": [\"bags\"]},"
                + " \"grid\": {\"finetune.othersSampleRatio\": [8]}, \"seeds\": [7, 8]}"));
        browser.open(base + "/experiments/" + experiment);
        assertEquals(
                2,
                browser.eval("document.querySelectorAll('#cells tbody tr').length")
                        .asInt());
        browser.screenshot("experiment-running");
        // no reload by the test: the page polls the API and redraws itself when a cell succeeds and at the end
        browser.waitFor(
                "document.getElementById('experiment-status').innerText === 'SUCCEEDED'"
                        + " && document.querySelectorAll('#summary tbody tr').length === 2"
                        // the last redraw fills the status, the summary and the cells from separate fetches: wait
                        // for the cells too, or a loaded machine reads the table between two of them (empty)
                        + " && [...document.querySelectorAll('#cells tbody tr')]"
                        + ".filter(tr => tr.innerText.includes('SUCCEEDED')).length === 2",
                600);
        assertEquals(
                "1|finetune.othersSampleRatio=8|7|" + experiment + "-1|SUCCEEDED" + "#2|finetune.othersSampleRatio=8|8|"
                        + experiment + "-2|SUCCEEDED",
                browser.text("[...document.querySelectorAll('#cells tbody tr')].map(tr => [...tr.cells]"
                        + ".map(td => td.innerText).join('|')).join('#')"));
        assertEquals(
                List.of("/runs/" + experiment + "-1", "/runs/" + experiment + "-2"),
                strings(browser.eval("[...document.querySelectorAll('#cells tbody a')].map(a => a.pathname)")));
        assertEquals(
                "finetune.othersSampleRatio|kind|n|AP",
                browser.text("[...document.querySelectorAll("
                        + "'#summary th')].slice(0, 4).map(th => th.innerText).join('|')"));
        String bags = browser.text("document.querySelectorAll('#summary tbody tr')[1].innerText");
        assertTrue(bags.contains("bags") && bags.contains("±"), bags);
        // the paired difference of the two kinds over the seeds, with its interval
        String pair =
                browser.text("[...document.querySelectorAll('#pairs tbody tr')].map(tr => tr.innerText).join('#')");
        assertTrue(pair.contains("base - bags") && pair.contains("["), pair);
        assertEquals(
                List.of("APr", "APc", "APf", "AP"),
                strings(browser.eval("[...document.querySelectorAll("
                        + "'figure.plot[data-key=\"finetune.othersSampleRatio\"]')].map(f => f.dataset.metric)")));
        assertEquals(
                4,
                browser.eval("document.querySelectorAll('figure.plot svg').length")
                        .asInt());
        browser.screenshot("experiment");

        browser.open(base + "/experiments");
        String row = browser.text("[...document.querySelectorAll('#experiments tbody tr')].find(tr => tr.innerText"
                + ".includes('" + experiment + "')).innerText");
        assertTrue(row.contains("SUCCEEDED") && row.contains("2\t2"), row);
        browser.screenshot("experiments");
    }

    @Test
    @Order(7)
    void noRequestLeftTheUisOwnAddress() {
        List<String> urls = browser.requestedUrls();
        assertTrue(urls.size() > 10, urls.toString());
        List<String> elsewhere = urls.stream()
                .filter(u -> !u.startsWith(base + "/") && !u.startsWith("data:") && !u.equals("about:blank"))
                .toList();
        assertEquals(List.of(), elsewhere);
    }

    private static RunView waitFor(String runId, Predicate<RunView> condition) {
        return ui.waitFor(runId, condition);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.worker.history.HistoryJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The screenshot test of a run page during a real (tiny) base training in headless Chromium: the loss curve and the
 * images/s chart get their points from the stored progress and grow in place, without a reload; the stage graph
 * shows the finished PREPARE, the running TRAIN_BASE and the fine-tunes and evaluations still to come. The page is
 * saved as target/ui-screenshots/live-training.png.
 */
@Timeout(600)
class LiveTrainingBrowserTest {

    private static final String POINTS = "document.querySelectorAll('#loss-chart circle.pt').length";
    private static final String LAST_ITERATION =
            "Math.max(0, ...[...document.querySelectorAll('#loss-chart circle.pt')].map(c => Number(c.dataset.iteration)))";

    private static BrowserUi ui;
    private static Chromium browser;
    private static TestBackend backend;
    private static String base;

    @BeforeAll
    static void theUiAndAWorker() throws Exception {
        ui = BrowserUi.start("live-training-test-worker");
        browser = ui.browser;
        backend = ui.backend;
        base = ui.base;
    }

    @AfterAll
    static void stop() throws Exception {
        if (ui != null) {
            ui.close();
        }
    }

    @Test
    void theRunPageDrawsTheLossCurveGrowingDuringTheBaseTrainingWithoutAReload() throws Exception {
        // long enough that the base training is still running when the test has seen enough; reuse off, so it
        // trains here instead of taking another test's base model
        String running = backend.launcher.start(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 31}},"
                        + " \"detector\": {\"iterations\": 100000}, \"generations\": [\"bags\", \"crt\"],"
                        + " \"reuse\": false}"),
                null,
                null);
        try {
            browser.open(base + "/runs/" + running);
            browser.eval("window.sameDocument = true");
            try {
                browser.waitFor(POINTS + " >= 3", 300);
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\ncurves: "
                                + backend.history()
                                        .curves(running)
                                        .map(HistoryJson::curves)
                                        .orElse("none"),
                        e);
            }
            int first = browser.eval(POINTS).asInt();
            int firstLast = browser.eval(LAST_ITERATION).asInt();
            browser.waitFor(POINTS + " > " + first + " && " + LAST_ITERATION + " > " + firstLast, 120);
            assertTrue(
                    browser.eval("window.sameDocument === true").asBoolean(),
                    "the page was reloaded instead of redrawn");

            // one point per progress report (every 5 iterations on tiny), in order, on both charts
            JsonNode iterations = browser.eval(
                    "[...document.querySelectorAll('#loss-chart circle.pt')].map(c => Number(c.dataset.iteration))");
            int[] its = new int[iterations.size()];
            for (int i = 0; i < its.length; i++) {
                its[i] = iterations.get(i).asInt();
                assertEquals(0, its[i] % 5, iterations.toString());
                assertTrue(i == 0 || its[i] > its[i - 1], iterations.toString());
            }
            assertEquals(
                    String.valueOf(its.length), browser.text("document.getElementById('loss-chart').dataset.points"));
            assertTrue(browser.eval("document.querySelectorAll('#speed-chart circle.pt').length")
                            .asInt()
                    >= its.length);
            assertTrue(browser.eval("document.getElementById('curves').dataset.polls >= 1")
                    .asBoolean());
            assertTrue(
                    browser.text("document.querySelector('#loss-figure figcaption').innerText")
                            .contains("RUNNING"),
                    browser.text("document.querySelector('#loss-figure figcaption').innerText"));

            // the stage graph follows the run: data and groups made, base training, the rest to come
            browser.waitFor("document.querySelector('#lineage-graph g.node[data-stage=\"TRAIN_BASE\"]')"
                    + ".getAttribute('class') === 'node RUNNING'");
            assertEquals(
                    "PREPARE SUCCEEDED|PREPARE SUCCEEDED|TRAIN_BASE RUNNING|EVALUATE PENDING|FINETUNE_BAGS PENDING"
                            + "|EVALUATE PENDING|FINETUNE_BAGS PENDING|EVALUATE PENDING",
                    browser.text("[...document.querySelectorAll('#lineage-graph g.node')].map(g => g.dataset.stage"
                            + " + ' ' + g.getAttribute('class').replace('node ', '')).join('|')"));
            assertEquals(
                    7,
                    browser.eval("document.querySelectorAll('#lineage-graph path.edge').length")
                            .asInt());

            byte[] png = browser.png();
            Path shot = Path.of("target", "ui-screenshots", "live-training.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, png);
            assertTrue(
                    png.length > 10_000
                            && Arrays.equals(Arrays.copyOf(png, 4), new byte[] {(byte) 0x89, 'P', 'N', 'G'}),
                    "a PNG of the page: " + png.length + " bytes");
            browser.screenshot("live-training");
        } finally {
            if (backend.history().show(running).orElseThrow().status().name().equals("RUNNING")) {
                backend.launcher.abort(running, "the test has seen enough");
            }
        }
    }
}

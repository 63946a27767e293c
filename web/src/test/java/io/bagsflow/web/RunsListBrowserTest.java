package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.RunLabels;
import io.bagsflow.worker.history.RunViews.RunView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The runs list as a user works with it in headless Chromium: two named and tagged finished runs and one waiting for
 * a retry, filtered by tag and name, sorted by a metric column, the waiting run's progress in its row, and the run
 * page with the name, tags, note and, once aborted, the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class RunsListBrowserTest {

    private static BrowserUi ui;
    private static Chromium browser;
    private static TestBackend backend;
    private static String base;
    private static String suite;
    private static List<String> finished = new ArrayList<>();
    private static String waiting;

    @BeforeAll
    static void twoFinishedRunsAndAWaitingOne() throws Exception {
        ui = BrowserUi.start("runs-list-test-worker");
        browser = ui.browser;
        backend = ui.backend;
        base = ui.base;
        // unique per JVM: other test classes share the database
        suite = "list-" + ProcessHandle.current().pid();
        for (int seed : List.of(11, 12)) {
            String id = backend.launcher.start(
                    PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": " + seed
                            + "}}, \"generations\": [\"bags\"]}"),
                    null,
                    null,
                    new RunLabels("seed-" + seed, "seed " + seed + " of the list test", Map.of("suite", suite), null));
            assertEquals("SUCCEEDED", backend.launcher.await(id).status().name());
            finished.add(id);
        }
        // a learning rate this large diverges: TRAIN_BASE fails for good and the run waits for a retry
        waiting = backend.launcher.start(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 13}},"
                        + " \"detector\": {\"learningRate\": 1000000.0, \"maxNonFiniteSteps\": 3},"
                        + " \"generations\": [\"bags\"]}"),
                null,
                null,
                new RunLabels("diverging", null, Map.of("suite", suite), null));
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
    void theListFilteredByTagShowsNamesProgressAndMetricsAndSortsByAMetricColumn() throws Exception {
        browser.open(base + "/runs?tag=suite%3D" + suite);
        assertEquals(3, rowCount());
        String waitingRow = row(waiting);
        assertTrue(waitingRow.contains("diverging") && waitingRow.contains("WAITING_FOR_RETRY"), waitingRow);
        // the stage it waits in, with the step it got to out of its real total
        assertTrue(waitingRow.matches("(?s).*TRAIN_BASE \\d+/\\d+.*"), waitingRow);
        assertTrue(row(finished.get(0)).contains("suite=" + suite), row(finished.get(0)));

        // text columns sort A to Z first
        int nameColumn = column("name");
        browser.eval("document.querySelectorAll('#runs thead th')[" + nameColumn + "].click()");
        assertEquals(List.of(waiting, finished.get(0), finished.get(1)), runIds());

        // metric columns sort highest first, runs without the metric last; a second click turns the order round
        int apColumn = column("AP");
        browser.eval("document.querySelectorAll('#runs thead th')[" + apColumn + "].click()");
        List<Double> descending = apValues(apColumn);
        assertEquals(
                Stream.of(bagsAp(finished.get(0)), bagsAp(finished.get(1)))
                        .sorted(Comparator.reverseOrder())
                        .toList(),
                descending.subList(0, 2));
        assertEquals(waiting, runIds().get(2));
        browser.eval("document.querySelectorAll('#runs thead th')[" + apColumn + "].click()");
        List<Double> ascending = apValues(apColumn);
        assertEquals(List.of(descending.get(1), descending.get(0)), ascending.subList(0, 2));
        assertEquals(waiting, runIds().get(2));
        // the rows polled in again keep the order
        List<String> sorted = runIds();
        int polls = browser.eval("Number(document.getElementById('runs').dataset.polls || 0)")
                .asInt();
        browser.waitFor("Number(document.getElementById('runs').dataset.polls || 0) > " + polls);
        assertEquals(sorted, runIds());
        assertEquals(
                String.format(java.util.Locale.ROOT, "%.2f", 100 * ascending.get(0)),
                browser.text("document.querySelector('#runs tbody tr').cells[" + apColumn + "].innerText")
                        .trim());
        browser.screenshot("runs-list");

        browser.open(base + "/runs?tag=suite%3D" + suite + "&name=seed-1?");
        assertEquals(2, rowCount());
        browser.open(base + "/runs?tag=suite%3D" + suite + "&name=seed-11");
        assertEquals(List.of(finished.get(0)), runIds());
    }

    @Test
    @Order(2)
    void theRunPageShowsTheLabelsAndTheAbortReason() throws Exception {
        browser.open(base + "/runs/" + finished.get(0));
        assertEquals(
                "seed-11",
                browser.text("document.getElementById('run-name').innerText").trim());
        assertEquals(
                "suite=" + suite,
                browser.text("document.getElementById('run-tags').innerText").trim());
        assertEquals(
                "seed 11 of the list test",
                browser.text("document.getElementById('run-note').innerText").trim());

        backend.launcher.abort(waiting, "diverges at any rate");
        browser.open(base + "/runs/" + waiting);
        assertEquals(
                "diverges at any rate",
                browser.text("document.getElementById('abort-reason').innerText")
                        .trim());
    }

    private static double bagsAp(String runId) {
        RunView v = backend.history().show(runId).orElseThrow();
        return v.evaluations().stream()
                // the list's metric columns show the reported split
                .filter(e -> e.modelId().equals(runId + "-bags") && e.split().equals("test"))
                .findFirst()
                .orElseThrow()
                .metrics()
                .get("AP");
    }

    /** The AP data values of the rows in their order (null where a run has none). */
    private static List<Double> apValues(int column) throws Exception {
        JsonNode values = browser.eval(
                "[...document.querySelectorAll('#runs tbody tr')].map(tr => tr.cells[" + column + "].dataset.value)");
        List<Double> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asText().isEmpty() ? null : Double.parseDouble(v.asText())));
        return out;
    }

    private static int rowCount() throws Exception {
        return browser.eval("document.querySelectorAll('#runs tbody tr').length")
                .asInt();
    }

    private static int column(String header) throws Exception {
        return browser.eval("[...document.querySelectorAll('#runs thead th')].findIndex(th => th.innerText.trim() === '"
                        + header + "')")
                .asInt();
    }

    private static List<String> runIds() throws Exception {
        JsonNode ids = browser.eval(
                "[...document.querySelectorAll('#runs tbody tr')].map(tr => tr.cells[0].innerText" + ".trim())");
        List<String> out = new ArrayList<>();
        ids.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String row(String runId) throws Exception {
        return browser.text("[...document.querySelectorAll('#runs tbody tr')].find(tr => tr.innerText.includes('"
                + runId + "')).innerText");
    }

    private static RunView waitFor(String runId, Predicate<RunView> condition) {
        return ui.waitFor(runId, condition);
    }
}

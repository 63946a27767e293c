package io.bagsflow.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.Eventually;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline commands as a user types them, against the embedded services with a worker: start a tiny run and
 * wait, list and show it, compare its models as JSON and HTML.
 */
@Timeout(600)
class PipelineCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static BagsflowWorker worker;
    private static Map<String, String> env;
    private static String runId;

    @BeforeAll
    static void finishedTinyRun(@TempDir Path dir) throws Exception {
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "cli-test-worker");
        Path spec = dir.resolve("tiny.yaml");
        // reuse off: WebApiTest starts the same spec against the same services, and whichever runs second would
        // otherwise show its stages REUSED (the order of test classes is the file system's)
        Files.writeString(
                spec, "dataset:\n  synth:\n    preset: tiny\n    seed: 3\ngenerations: [bags, crt]\nreuse: false\n");
        CommandOutput run = CommandOutput.run(env, "pipeline", "start", spec.toString(), "--wait");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        runId = run.lastLine();
        assertTrue(runId.startsWith("run-"), run.out());
        assertTrue(run.out().contains("run " + runId + " SUCCEEDED"), run.out());
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void runsShowJsonHasFourSuccessfulStagesModelsWithParentsAndEvaluations() throws Exception {
        CommandOutput show = CommandOutput.run(env, "runs", "show", runId, "--json");
        assertEquals(0, show.exitCode(), show.err());
        JsonNode run = JSON.readTree(show.out());
        assertEquals("SUCCEEDED", run.path("status").asText());
        List<String> stages = new ArrayList<>();
        run.path("stages")
                .forEach(s -> stages.add(
                        s.path("stage").asText() + " " + s.path("status").asText()));
        assertEquals(
                List.of("PREPARE SUCCEEDED", "TRAIN_BASE SUCCEEDED", "FINETUNE_BAGS SUCCEEDED", "EVALUATE SUCCEEDED"),
                stages);
        JsonNode models = run.path("models");
        assertEquals(3, models.size());
        assertEquals(runId + "-base", models.get(1).path("parent_model_id").asText());
        assertEquals(6, run.path("evaluations").size(), "three models, each scored on val and on test");
        assertEquals(13, run.path("evaluations").get(0).path("metrics").size());

        CommandOutput text = CommandOutput.run(env, "runs", "show", runId);
        assertTrue(text.out().contains("TRAIN_BASE") && text.out().contains("cli-test-worker"), text.out());
    }

    @Test
    void runsListJsonHasTheRun() throws Exception {
        CommandOutput list = CommandOutput.run(env, "runs", "list", "--json", "--status", "SUCCEEDED");
        assertEquals(0, list.exitCode(), list.err());
        JsonNode runs = JSON.readTree(list.out());
        boolean found = false;
        for (JsonNode r : runs) {
            assertEquals("SUCCEEDED", r.path("status").asText());
            assertTrue(r.has("created_at"));
            found |= r.path("run_id").asText().equals(runId);
        }
        assertTrue(found, list.out());
    }

    @Test
    void compareJsonHasEveryModelWithItsThirteenMetrics(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("compare.json");
        CommandOutput compare =
                CommandOutput.run(env, "compare", runId + "-base", runId + "-bags", "--json", out.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        assertTrue(compare.out().contains("| metric | base (gen 0) | bags (gen 1) |"), compare.out());
        JsonNode models = JSON.readTree(out.toFile()).path("models");
        assertEquals(2, models.size());
        assertEquals(runId + "-base", models.get(0).path("model_id").asText());
        assertEquals(runId, models.get(0).path("run_id").asText());
        assertEquals(0, models.get(0).path("generation").asInt());
        assertEquals("base", models.get(0).path("kind").asText());
        assertTrue(models.get(0).path("parent_model_id").isNull());
        assertEquals("bags", models.get(1).path("kind").asText());
        assertEquals(runId + "-base", models.get(1).path("parent_model_id").asText());
        for (JsonNode m : models) {
            assertEquals(13, m.path("metrics").size());
            assertTrue(m.path("metrics").path("AP").asDouble() >= 0);
        }
    }

    @Test
    void theHtmlReportIsValidSelfContainedAndHasTheFourPlots(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        CommandOutput compare = CommandOutput.run(env, "compare", runId, "--html", html.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        assertReport(Files.readString(html));

        // every run also stores its report as an artifact
        try (CliServices services = CliServices.at(
                new io.bagsflow.worker.config.EnvironmentConfig(env),
                TestServices.get().endpoints())) {
            Path stored = DemoCommand.downloadReport(services, runId, dir.resolve("stored"));
            assertReport(Files.readString(stored));
        }
    }

    /** Ctrl-C (SIGINT) on {@code pipeline start --wait} in a real process: the run goes on, and the user is told. */
    @Test
    void interruptingTheWaitLeavesTheRunRunningAndSaysHowToFollowIt(@TempDir Path dir) throws Exception {
        // a shell starts background jobs (`bash .ci/run &`) with SIGINT ignored, and the child JVM inherits that: then
        // no Ctrl-C can reach it, whatever bagsflow does
        org.junit.jupiter.api.Assumptions.assumeFalse(
                sigintIgnored(),
                "SIGINT is ignored in this process (started in the background by a shell): Ctrl-C cannot be tested");
        Path spec = dir.resolve("long.yaml");
        Files.writeString(
                spec,
                "dataset:\n  synth:\n    preset: tiny\n    seed: 11\ndetector:\n  iterations: 100000\n"
                        + "generations: [bags]\n");
        ProcessBuilder pb = new ProcessBuilder(
                        ChildBagsflow.command(List.of(), List.of("pipeline", "start", spec.toString(), "--wait")))
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        out.append((char) b);
                    }
                });
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        Eventually.await(
                Duration.ofMinutes(2),
                () -> out.toString().contains("TRAIN_BASE") || !p.isAlive(),
                "the progress shows training");
        assertTrue(out.toString().contains("TRAIN_BASE"), "never got to training: " + out);
        String runId = out.toString()
                .lines()
                .filter(l -> l.startsWith("run "))
                .findFirst()
                .orElseThrow()
                .split(" ")[1];

        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "still running after Ctrl-C: " + out);
        reader.join(10_000);

        assertTrue(out.toString().contains("run " + runId + " goes on"), out.toString());
        assertTrue(out.toString().contains("./bagsflow runs show " + runId), out.toString());
        assertFalse(out.toString().contains("\r"), "progress frames in a pipe: " + out);
        JsonNode run = JSON.readTree(
                CommandOutput.run(env, "runs", "show", runId, "--json").out());
        assertEquals("RUNNING", run.path("status").asText(), "the run goes on");
        assertEquals(0, CommandOutput.run(env, "pipeline", "abort", runId).exitCode());
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status, on Linux). */
    private static boolean sigintIgnored() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    private static void assertReport(String html) throws Exception {
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        Document doc = Jsoup.parse(html);
        for (String id : List.of("ap-by-frequency", "ap-vs-instances", "weight-norms", "loss-curves")) {
            Element figure = doc.getElementById(id);
            assertTrue(figure != null, "missing plot " + id);
            Element svg = figure.selectFirst("svg");
            assertTrue(svg != null, "plot " + id + " has no inline SVG");
            // each chart is well-formed SVG (XML) with drawn content
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            org.w3c.dom.Document parsed = f.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.outerHtml().getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", parsed.getDocumentElement().getLocalName());
            assertTrue(svg.select("path, rect, circle, ellipse, line").size() > 10, id + " draws nothing");
        }
        assertEquals(3, doc.select("#lineage tr").size() - 1, "one lineage row per model");
        assertTrue(doc.getElementById("comparison") != null);
        // nothing is fetched from the network: no external src/href, no CSS url(), no scripts or stylesheets
        for (Element e : doc.select("[src], [href]")) {
            String ref = e.hasAttr("src") ? e.attr("src") : e.attr("href");
            assertFalse(ref.matches("(?i)(https?:)?//.*"), "external reference " + e);
        }
        assertFalse(html.matches("(?is).*url\\(\\s*['\"]?(https?:)?//.*"), "external url() in CSS");
        assertTrue(
                doc.select("script[src], link[rel=stylesheet], img[src^=http]").isEmpty());
    }
}

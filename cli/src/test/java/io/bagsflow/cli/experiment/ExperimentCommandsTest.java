package io.bagsflow.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.pipeline.ChildWorkerProcess;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An experiment as a user runs it, against the embedded services with one CPU+GPU worker and a second GPU worker
 * process, so cells run and train in parallel: a grid over the "others" sampling ratio on {@code tiny} times two seeds. Cells of the
 * same seed need the same base model; it is trained once per seed even though both cells ask for it at once.
 */
@Timeout(900)
class ExperimentCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static BagsflowWorker worker;
    private static Process secondGpu;
    private static Map<String, String> env;
    private static CommandOutput started;
    private static String experimentId;

    @BeforeAll
    static void finishedExperiment(@TempDir Path dir) throws Exception {
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "exp-worker");
        // a second GPU worker in a process of its own (one training per JVM), so two cells train at once
        secondGpu = ChildWorkerProcess.start("gpu", "exp-gpu-2", Files.createDirectories(dir.resolve("gpu-2")));
        Path file = dir.resolve("ratios.json");
        Files.writeString(file, """
                {"base": {"dataset": {"synth": {"preset": "tiny"}}, "generations": ["bags"]},
                 "grid": {"finetune.othersSampleRatio": [0, 8]},
                 "seeds": [31, 32]}
                """);
        started = CommandOutput.run(env, "experiment", "start", file.toString(), "--wait");
        assertEquals(0, started.exitCode(), started.out() + started.err());
        experimentId = started.lastLine();
        assertTrue(experimentId.startsWith("exp-"), started.out());
    }

    @AfterAll
    static void stop() {
        secondGpu.destroyForcibly();
        worker.close();
    }

    @Test
    void fourCellsFourRunsAndTheBaseModelIsTrainedOncePerSeed() throws Exception {
        assertTrue(started.out().contains("experiment " + experimentId + " SUCCEEDED"), started.out());
        for (int i = 1; i <= 4; i++) {
            assertTrue(started.out().contains("cell " + i + "/4 "), started.out());
        }
        JsonNode show = JSON.readTree(CommandOutput.run(env, "experiment", "show", experimentId, "--json")
                .out());
        assertEquals(experimentId, show.path("experiment_id").asText());
        assertEquals("SUCCEEDED", show.path("status").asText());
        assertEquals(
                List.of(0, 8),
                JSON.convertValue(show.path("spec").path("grid").path("finetune.othersSampleRatio"), List.class));
        JsonNode cells = show.path("cells");
        assertEquals(4, cells.size());
        List<String> runIds = new ArrayList<>();
        Map<Long, Integer> computedPerSeed = new HashMap<>();
        int computed = 0;
        for (JsonNode cell : cells) {
            assertEquals("SUCCEEDED", cell.path("status").asText(), cell.toString());
            runIds.add(cell.path("run_id").asText());
            JsonNode run = runShow(cell.path("run_id").asText());
            JsonNode trainBase = run.path("stages").get(1);
            assertEquals("TRAIN_BASE", trainBase.path("stage").asText());
            for (JsonNode a : trainBase.path("attempts")) {
                // nothing failed, nothing was started twice: each attempt either trained or took a finished model
                assertTrue(
                        a.path("status").asText().equals("SUCCEEDED")
                                || a.path("status").asText().equals("REUSED"),
                        a.toString());
                if (a.path("status").asText().equals("SUCCEEDED")) {
                    computed++;
                    computedPerSeed.merge(cell.path("seed").asLong(), 1, Integer::sum);
                }
            }
        }
        assertEquals(4, runIds.stream().distinct().count());
        assertEquals(2, computed, "TRAIN_BASE computed in exactly two cells");
        assertEquals(Map.of(31L, 1, 32L, 1), computedPerSeed);
        assertEquals(
                List.of(0, 0, 8, 8),
                cells.findValues("finetune.othersSampleRatio").stream()
                        .map(JsonNode::asInt)
                        .toList());
    }

    @Test
    void theSummaryHasOneBagsRowPerRatioWhoseMeanIsTheMeanOfItsCells() throws Exception {
        JsonNode show = JSON.readTree(CommandOutput.run(env, "experiment", "show", experimentId, "--json")
                .out());
        Map<Integer, List<Double>> bagsAp = new HashMap<>();
        for (JsonNode cell : show.path("cells")) {
            int ratio = cell.path("params").path("finetune.othersSampleRatio").asInt();
            bagsAp.computeIfAbsent(ratio, r -> new ArrayList<>())
                    .add(ap(
                            runShow(cell.path("run_id").asText()),
                            cell.path("run_id").asText() + "-bags"));
        }
        int bagsRows = 0;
        for (JsonNode row : show.path("summary")) {
            assertEquals(13, row.path("mean").size());
            assertEquals(13, row.path("std").size());
            assertEquals(13, row.path("ci95").size());
            assertEquals(13, row.path("delta_vs_base").size());
            if (!row.path("kind").asText().equals("bags")) {
                continue;
            }
            bagsRows++;
            int ratio = row.path("params").path("finetune.othersSampleRatio").asInt();
            List<Double> aps = bagsAp.get(ratio);
            assertEquals(2, row.path("n").asInt());
            double mean = (aps.get(0) + aps.get(1)) / 2;
            assertEquals(mean, row.path("mean").path("AP").asDouble(), 1e-12);
            JsonNode ci = row.path("ci95").path("AP");
            assertEquals(2, ci.size());
            if (!aps.get(0).equals(aps.get(1))) {
                assertTrue(ci.get(0).asDouble() < mean && mean < ci.get(1).asDouble(), ci.toString());
            }
            assertTrue(
                    row.path("delta_vs_base").path("AP").has("mean")
                            && row.path("delta_vs_base").path("AP").path("ci95").size() == 2,
                    row.toString());
        }
        assertEquals(2, bagsRows);
    }

    @Test
    void compareShowsTheSummaryAsTextMarkdownAndAnHtmlReport(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("experiment.html");
        CommandOutput compare = CommandOutput.run(env, "compare", experimentId, "--html", html.toString());
        assertEquals(0, compare.exitCode(), compare.out() + compare.err());
        assertTrue(
                compare.out().contains("finetune.othersSampleRatio")
                        && compare.out().contains("bags"),
                compare.out());
        assertTrue(compare.out().contains("| finetune.othersSampleRatio | kind | n | AP |"), compare.out());
        // the README's worked example shows this output
        System.out.println("compare " + experimentId + ":\n" + compare.out());
        Document doc = Jsoup.parse(Files.readString(html));
        assertEquals(5, doc.select("#summary tr").size(), "header + base and bags for two ratios");
        assertEquals(3, doc.select("#pairs tr").size(), "header + base - bags for two ratios");
        assertEquals(3, doc.select("#setting-pairs tr").size(), "header + base and bags between the two ratios");
        assertEquals(
                4,
                doc.select("figure.plot[data-key=finetune.othersSampleRatio] svg")
                        .size());

        CommandOutput list = CommandOutput.run(env, "experiment", "list", "--json");
        assertTrue(JSON.readTree(list.out()).findValuesAsText("experiment_id").contains(experimentId), list.out());
        // named after its file, with its grid
        JsonNode item = null;
        for (JsonNode e : JSON.readTree(list.out())) {
            item = e.path("experiment_id").asText().equals(experimentId) ? e : item;
        }
        assertEquals("ratios", item.path("name").asText());
        assertEquals(2, item.path("grid").path("finetune.othersSampleRatio").size());
        // its cells' runs carry its id as a tag
        assertEquals(
                4,
                JSON.readTree(CommandOutput.run(env, "runs", "list", "--tag", "experiment=" + experimentId, "--json")
                                .out())
                        .size());
        String listed = CommandOutput.run(env, "experiment", "list").out();
        assertTrue(
                listed.lines()
                        .anyMatch(l -> l.startsWith(experimentId + "  ratios ")
                                && l.contains("finetune.othersSampleRatio=0|8 seeds=31|32")),
                listed);
        CommandOutput text = CommandOutput.run(env, "experiment", "show", experimentId);
        assertTrue(text.out().contains(experimentId + "-4"), text.out());
        CommandOutput abort = CommandOutput.run(env, "experiment", "abort", experimentId);
        assertEquals(1, abort.exitCode());
        assertTrue(abort.err().contains("has already ended (SUCCEEDED)"), abort.err());
    }

    @Test
    void showHasThePairedDifferenceOfBaseAndBagsOnTheSameSeedsForEveryMetric() throws Exception {
        JsonNode show = JSON.readTree(CommandOutput.run(env, "experiment", "show", experimentId, "--json")
                .out());
        assertEquals("test", show.path("split").asText());
        Map<Integer, List<Double>> differences = new HashMap<>();
        for (JsonNode cell : show.path("cells")) {
            int ratio = cell.path("params").path("finetune.othersSampleRatio").asInt();
            String runId = cell.path("run_id").asText();
            JsonNode run = runShow(runId);
            differences
                    .computeIfAbsent(ratio, r -> new ArrayList<>())
                    .add(ap(run, runId + "-base") - ap(run, runId + "-bags"));
        }
        JsonNode pairs = show.path("pairs");
        assertEquals(2 * 13, pairs.size(), "one pair of kinds per ratio, 13 metrics each");
        int checked = 0;
        for (JsonNode p : pairs) {
            assertEquals("base", p.path("a").asText(), p.toString());
            assertEquals("bags", p.path("b").asText(), p.toString());
            assertEquals(2, p.path("ci95").size(), p.toString());
            if (!p.path("metric").asText().equals("AP")) {
                continue;
            }
            List<Double> d = differences.get(
                    p.path("params").path("finetune.othersSampleRatio").asInt());
            assertEquals(2, p.path("n").asInt());
            assertEquals((d.get(0) + d.get(1)) / 2, p.path("mean").asDouble(), 1e-12, p.toString());
            checked++;
        }
        assertEquals(2, checked);
        CommandOutput text = CommandOutput.run(env, "experiment", "show", experimentId);
        assertTrue(text.out().contains("paired differences a - b") && text.out().contains("base - bags"), text.out());
    }

    @Test
    void showPairsEachKindBetweenTheTwoRatiosOnTheSameSeeds() throws Exception {
        JsonNode show = JSON.readTree(CommandOutput.run(env, "experiment", "show", experimentId, "--json")
                .out());
        // bags AP under ratio 0 and under ratio 8, per seed, from the runs themselves
        Map<Long, Map<Integer, Double>> bags = new HashMap<>();
        for (JsonNode cell : show.path("cells")) {
            String runId = cell.path("run_id").asText();
            bags.computeIfAbsent(cell.path("seed").asLong(), s -> new HashMap<>())
                    .put(
                            cell.path("params")
                                    .path("finetune.othersSampleRatio")
                                    .asInt(),
                            ap(runShow(runId), runId + "-bags"));
        }
        JsonNode pairs = show.path("setting_pairs");
        assertEquals(2 * 13, pairs.size(), "base and bags, one pair of settings, 13 metrics each: " + pairs);
        for (JsonNode p : pairs) {
            assertEquals(0, p.path("a").path("finetune.othersSampleRatio").asInt(), p.toString());
            assertEquals(8, p.path("b").path("finetune.othersSampleRatio").asInt(), p.toString());
            if (!p.path("metric").asText().equals("AP")) {
                continue;
            }
            assertEquals(2, p.path("n").asInt(), p.toString());
            if (p.path("kind").asText().equals("base")) {
                // the base model is trained once per seed and shared by both ratios
                assertEquals(0.0, p.path("mean").asDouble(), 0.0, p.toString());
            } else {
                double mean = bags.values().stream()
                        .mapToDouble(byRatio -> byRatio.get(0) - byRatio.get(8))
                        .average()
                        .orElseThrow();
                assertEquals(mean, p.path("mean").asDouble(), 1e-12, p.toString());
            }
        }
        CommandOutput text = CommandOutput.run(env, "experiment", "show", experimentId);
        assertTrue(
                text.out().contains("paired differences between settings")
                        && text.out().contains("finetune.othersSampleRatio=0 - finetune.othersSampleRatio=8"),
                text.out());
    }

    @Test
    void aTypoInTheGridIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("typo.json");
        Files.writeString(
                file,
                "{\"base\": {\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}},"
                        + " \"grid\": {\"finetune.othersSampleRatoi\": [0, 8]}}");
        CommandOutput out = CommandOutput.run(env, "experiment", "start", file.toString());
        assertNotEquals(0, out.exitCode());
        assertTrue(out.err().contains("grid.\"finetune.othersSampleRatoi\"[0]"), out.err());
    }

    @Test
    void exportWritesEverySeedsTestMetricsAndTheTablesAreComputedFromThatFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results").resolve("ratios.json");
        CommandOutput export = CommandOutput.run(
                env, "experiment", "export", experimentId, "--out", file.toString(), "--setup", "one test JVM");
        assertEquals(0, export.exitCode(), export.out() + export.err());
        JsonNode results = JSON.readTree(Files.readString(file));
        assertEquals("bagsflow-results/1", results.path("format").asText());
        assertEquals(experimentId, results.path("experiment_id").asText());
        assertEquals("one test JVM", results.path("setup").asText());
        assertEquals(4, results.path("cells").size());
        List<Double> bagsMinusBase = new ArrayList<>();
        for (JsonNode cell : results.path("cells")) {
            String runId = cell.path("run_id").asText();
            JsonNode run = runShow(runId);
            assertEquals(List.of("base", "bags"), iterable(cell.path("models").fieldNames()));
            for (String kind : List.of("base", "bags")) {
                JsonNode model = cell.path("models").path(kind);
                assertEquals("test", model.path("split").asText());
                assertEquals(
                        ap(run, runId + "-" + kind),
                        model.path("metrics").path("AP").asDouble(),
                        0.0);
                assertEquals(13, model.path("metrics").size());
            }
            if (cell.path("params").path("finetune.othersSampleRatio").asInt() == 0) {
                bagsMinusBase.add(cell.path("models")
                                .path("bags")
                                .path("metrics")
                                .path("AP")
                                .asDouble()
                        - cell.path("models")
                                .path("base")
                                .path("metrics")
                                .path("AP")
                                .asDouble());
            }
        }

        CommandOutput table = CommandOutput.run(env, "experiment", "table", file.toString());
        assertEquals(0, table.exitCode(), table.err());
        String expected =
                String.format(java.util.Locale.ROOT, "%+.2f", 100 * (bagsMinusBase.get(0) + bagsMinusBase.get(1)) / 2);
        String bagsRow = table.out()
                .lines()
                .filter(l -> l.startsWith("| bags (14) | 2 | " + expected + " ["))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bags row with ΔAP " + expected + ":\n" + table.out()));
        assertTrue(bagsRow.split("\\|").length >= 7, bagsRow);
        assertTrue(table.out().contains("split test"), table.out());
    }

    @Test
    void aDocumentsGeneratedBlockIsCheckedAgainstItsResultsFileAndRewrittenFromIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results").resolve("ratios.json");
        assertEquals(
                0,
                CommandOutput.run(env, "experiment", "export", experimentId, "--out", file.toString())
                        .exitCode());
        Path doc = Files.createDirectories(dir.resolve("docs")).resolve("results.md");
        String stale = "# Results\n\n<!-- generated by: ./bagsflow experiment table ../results/ratios.json -->\n"
                + "| model | AP |\n| base | 99.99 |\n<!-- end of generated -->\n\nText after.\n";
        Files.writeString(doc, stale);

        CommandOutput check = CommandOutput.run(env, "experiment", "table", "--check", doc.toString());
        assertEquals(1, check.exitCode(), check.out());
        assertTrue(check.err().contains("--update " + doc), check.err());

        assertEquals(
                0,
                CommandOutput.run(env, "experiment", "table", "--update", doc.toString())
                        .exitCode());
        String updated = Files.readString(doc);
        assertTrue(updated.startsWith("# Results\n\n<!-- generated by:"), updated);
        assertTrue(updated.endsWith("<!-- end of generated -->\n\nText after.\n"), updated);
        assertTrue(!updated.contains("99.99") && updated.contains("| bags (14) |"), updated);
        CommandOutput again = CommandOutput.run(env, "experiment", "table", "--check", doc.toString());
        assertEquals(0, again.exitCode(), again.err());
    }

    @Test
    void aResultsFileOfAnotherFormatIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.json");
        Files.writeString(file, "{\"format\": \"bagsflow-results/0\", \"cells\": []}");
        CommandOutput out = CommandOutput.run(env, "experiment", "table", file.toString());
        assertEquals(1, out.exitCode());
        assertTrue(out.err().contains(file + ": "), out.err());
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private static JsonNode runShow(String runId) throws Exception {
        CommandOutput show = CommandOutput.run(env, "runs", "show", runId, "--json");
        assertEquals(0, show.exitCode(), show.err());
        return JSON.readTree(show.out());
    }

    /** The model's AP on test: what experiments summarise. */
    private static double ap(JsonNode run, String modelId) {
        for (JsonNode e : run.path("evaluations")) {
            if (e.path("model_id").asText().equals(modelId)
                    && e.path("split").asText().equals("test")) {
                return e.path("metrics").path("AP").asDouble();
            }
        }
        throw new AssertionError("no evaluation of " + modelId + " in " + run);
    }
}

package io.bagsflow.cli.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.ml.synth.SyntheticSummary;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained model as a user takes it away: an alias, {@code predict} on a folder of images, {@code model export} and
 * predicting from the exported folder, checked against what the run itself recorded.
 */
@Timeout(600)
class ModelCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METRICS = List.of(
            "AP", "AP50", "AP75", "APs", "APm", "APl", "APr", "APc", "APf", "AR@300", "ARs@300", "ARm@300", "ARl@300");

    private static BagsflowWorker worker;
    private static Map<String, String> env;
    private static Path dir;
    private static String runId;
    private static SyntheticSummary data;

    @BeforeAll
    static void finishedTinyRun(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "model-test-worker");
        Path spec = dir.resolve("tiny.yaml");
        Files.writeString(spec, "dataset:\n  synth:\n    preset: tiny\n    seed: 5\ngenerations: [bags]\n");
        CommandOutput run = CommandOutput.run(env, "pipeline", "start", spec.toString(), "--wait");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        runId = run.lastLine();
        // the same bytes PREPARE made from the spec: the synthetic generator is byte-deterministic
        data = SyntheticDataset.generate(SyntheticPreset.TINY, 5, dir.resolve("data"));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void predictingTheRunsValImagesAndEvaluatingGivesTheRecordedMetricsExactly() throws Exception {
        for (String kind : List.of("base", "bags")) {
            String model = runId + "-" + kind;
            Path results = dir.resolve("results-" + kind + ".json");
            CommandOutput predict = predict(model, results);
            assertEquals(0, predict.exitCode(), predict.out() + predict.err());
            assertTrue(predict.out().contains("wrote " + results), predict.out());

            Path metrics = dir.resolve("eval-" + kind + ".json");
            CommandOutput eval = CommandOutput.run(
                    env,
                    "eval",
                    "--gt",
                    data.val().toString(),
                    "--dt",
                    results.toString(),
                    "--json",
                    metrics.toString());
            assertEquals(0, eval.exitCode(), eval.err());
            JsonNode ours = JSON.readTree(metrics.toFile()).path("results");
            JsonNode recorded = recordedValMetrics(model);
            for (String m : METRICS) {
                assertEquals(recorded.path(m).asDouble(), ours.path(m).asDouble(), 0.0, kind + " " + m);
            }
        }
    }

    @Test
    void anAliasNamesAModelForPredictAndMovesWhenSetAgain() throws Exception {
        CommandOutput set = CommandOutput.run(env, "model", "alias", "set", "champion", runId + "-base");
        assertEquals(0, set.exitCode(), set.err());
        CommandOutput moved = CommandOutput.run(env, "model", "alias", "set", "champion", runId + "-bags");
        assertEquals("champion -> " + runId + "-bags (was " + runId + "-base)", moved.lastLine());
        JsonNode list = JSON.readTree(
                CommandOutput.run(env, "model", "alias", "list", "--json").out());
        JsonNode champion = null;
        for (JsonNode a : list) {
            champion = a.path("alias").asText().equals("champion") ? a : champion;
        }
        assertTrue(champion != null, list.toString());
        assertEquals(runId + "-bags", champion.path("model_id").asText());
        assertEquals("bags", champion.path("kind").asText());

        Path byAlias = dir.resolve("by-alias.json");
        Path byId = dir.resolve("by-id.json");
        assertEquals(0, predict("champion", byAlias).exitCode());
        assertEquals(0, predict(runId + "-bags", byId).exitCode());
        assertArrayEquals(Files.readAllBytes(byId), Files.readAllBytes(byAlias));
    }

    @Test
    void anExportedModelPredictsTheSameFromItsFolderAndDrawsItsDetections() throws Exception {
        Path exported = dir.resolve("exported");
        CommandOutput export = CommandOutput.run(env, "model", "export", runId + "-bags", "--out", exported.toString());
        assertEquals(0, export.exitCode(), export.err());
        JsonNode model = JSON.readTree(exported.resolve("model.json").toFile());
        assertEquals("bagsflow-model/1", model.path("format").asText());
        assertEquals("bags", model.path("kind").asText());
        assertEquals(10, model.path("categories").size(), "tiny has 10 classes, each with its name");
        assertTrue(Files.size(exported.resolve("checkpoint.zip")) > 0);

        Path fromLineage = dir.resolve("from-lineage.json");
        Path fromFolder = dir.resolve("from-folder.json");
        Path drawn = dir.resolve("drawn");
        assertEquals(0, predict(runId + "-bags", fromLineage).exitCode());
        // no services: an empty home, and nothing in the environment names any
        CommandOutput offline = CommandOutput.run(
                Map.of("BAGSFLOW_HOME", dir.resolve("empty-home").toString()),
                "predict",
                "--model",
                exported.toString(),
                "--images",
                data.imageDir().toString(),
                "--annotations",
                data.val().toString(),
                "--out",
                fromFolder.toString(),
                "--draw",
                drawn.toString());
        assertEquals(0, offline.exitCode(), offline.out() + offline.err());
        assertArrayEquals(Files.readAllBytes(fromLineage), Files.readAllBytes(fromFolder));
        try (Stream<Path> pngs = Files.list(drawn)) {
            assertEquals(
                    JSON.readTree(data.val().toFile()).path("images").size(),
                    pngs.filter(p -> p.toString().endsWith(".png")).count(),
                    "one drawn image per val image");
        }
    }

    @Test
    void anUnknownModelABadAliasAndImagesWithoutIdsAreRefusedInOneLine() throws Exception {
        CommandOutput unknown = predict("no-such-model", dir.resolve("x.json"));
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().startsWith("error: no model or alias \"no-such-model\""), unknown.err());

        CommandOutput bad = CommandOutput.run(env, "model", "alias", "set", "1st", runId + "-bags");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("alias \"1st\" is not a valid name"), bad.err());

        Path folder = Files.createDirectories(dir.resolve("unnamed"));
        Files.copy(data.imageDir().resolve("val_000151.png"), folder.resolve("cat.png"));
        CommandOutput noIds = CommandOutput.run(
                env,
                "predict",
                "--model",
                runId + "-bags",
                "--images",
                folder.toString(),
                "--out",
                dir.resolve("y.json").toString());
        assertEquals(1, noIds.exitCode());
        assertTrue(noIds.err().contains("cat.png: no image id in the file name"), noIds.err());
    }

    private static CommandOutput predict(String model, Path out) {
        return CommandOutput.run(
                env,
                "predict",
                "--model",
                model,
                "--images",
                data.imageDir().toString(),
                "--annotations",
                data.val().toString(),
                "--out",
                out.toString());
    }

    /** The run's recorded metrics of the model on val (the split predict was given). */
    private static JsonNode recordedValMetrics(String model) throws Exception {
        JsonNode run = JSON.readTree(
                CommandOutput.run(env, "runs", "show", runId, "--json").out());
        for (JsonNode e : run.path("evaluations")) {
            boolean onVal = !e.has("split") || e.path("split").asText().equals("val");
            if (e.path("model_id").asText().equals(model) && onVal) {
                return e.path("metrics");
            }
        }
        throw new AssertionError("no val evaluation of " + model + " in " + run.path("evaluations"));
    }
}

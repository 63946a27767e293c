package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on the tiny synthetic preset, through the embedded Temporal, PostgreSQL and S3 server with a
 * real worker: the run, its history and lineage, reuse of finished stages, and retry of a stage that failed on
 * bad input.
 *
 * <p>The tiny pipeline runs once for the class ({@link #tinyRun}); the tests that read a finished run read that
 * one, and a test that needs a run of its own starts it. No test depends on another test or on their order.
 */
@Timeout(600)
class PipelineEndToEndTest {

    private static PipelineHarness harness;
    private static BagsflowWorker worker;
    /** The run of {@link #tinySpec()} that every test may read and none changes. */
    private static String tinyRun;

    @BeforeAll
    @Timeout(600)
    static void startAWorkerAndRunTheTinyPipelineOnce() {
        harness = new PipelineHarness();
        worker = BagsflowWorker.start(
                harness.endpoints,
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "e2e-worker");
        tinyRun = harness.launcher.start(tinySpec(), null, null);
        PipelineResult result = harness.launcher.await(tinyRun);
        assertEquals("SUCCEEDED", result.status().name(), "the shared tiny run: " + result);
    }

    @AfterAll
    static void stop() {
        worker.close();
        harness.close();
    }

    static PipelineSpec tinySpec() {
        return PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 7}},"
                + " \"generations\": [\"bags\", \"control\", \"reweight_cls\", \"tau_norm_select\"]}");
    }

    @Test
    void aFinishedRunShowsEveryStageSucceededWithTheAttemptsOfThisWorker() {
        JsonNode run = harness.showJson(tinyRun);
        assertEquals(tinyRun, run.path("run_id").asText());
        assertEquals("SUCCEEDED", run.path("status").asText());
        List<String> stages = new ArrayList<>();
        for (JsonNode s : run.path("stages")) {
            stages.add(s.path("stage").asText() + "=" + s.path("status").asText());
            for (JsonNode a : s.path("attempts")) {
                assertEquals("SUCCEEDED", a.path("status").asText(), a.toString());
                assertEquals("e2e-worker", a.path("worker").asText());
                assertTrue(
                        a.has("started_at") && a.has("ended_at") && a.has("error") && a.has("resumed_from_iteration"),
                        a.toString());
            }
        }
        assertEquals(
                List.of("PREPARE=SUCCEEDED", "TRAIN_BASE=SUCCEEDED", "FINETUNE_BAGS=SUCCEEDED", "EVALUATE=SUCCEEDED"),
                stages);
    }

    @Test
    void aSucceededScorePartShowsOneStepPerSplitAllDone() {
        List<String> scores = new ArrayList<>();
        for (JsonNode s : harness.showJson(tinyRun).path("stages")) {
            for (JsonNode a : s.path("attempts")) {
                if (s.path("stage").asText().equals("EVALUATE")
                        && a.path("part").asText().endsWith("/score")) {
                    JsonNode p = a.path("progress");
                    scores.add(a.path("part").asText() + " " + p.path("step").asInt() + "/"
                            + p.path("total").asInt());
                }
            }
        }
        // val and test by box: 2/2 when done (it showed 0/1, the state before its first evaluation)
        assertEquals(
                List.of(
                        "bags/score 2/2",
                        "base/score 2/2",
                        "control/score 2/2",
                        "reweight_cls/score 2/2",
                        "tau_norm_select/score 2/2"),
                scores.stream().sorted().toList());
    }

    @Test
    void theBaseModelIsTheParentOfEveryGenerationOneModel() {
        JsonNode models = harness.showJson(tinyRun).path("models");
        assertEquals(5, models.size());
        assertEquals(tinyRun + "-base", models.get(0).path("model_id").asText());
        assertEquals(0, models.get(0).path("generation").asInt());
        assertTrue(models.get(0).path("parent_model_id").isNull());
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            kinds.add(models.get(i).path("kind").asText());
            if (i > 0) {
                assertEquals(1, models.get(i).path("generation").asInt());
                assertEquals(
                        tinyRun + "-base", models.get(i).path("parent_model_id").asText());
            }
        }
        assertEquals(List.of("base", "bags", "control", "reweight_cls", "tau_norm_select"), kinds);
    }

    @Test
    void everyModelIsEvaluatedWithTheThirteenLvisMetrics() {
        JsonNode evaluations = harness.showJson(tinyRun).path("evaluations");
        assertEquals(10, evaluations.size());
        for (JsonNode e : evaluations) {
            JsonNode m = e.path("metrics");
            assertEquals(13, m.size());
            double ap = m.path("AP").asDouble();
            assertTrue(ap >= 0 && ap <= 1, "AP " + ap);
            assertTrue(m.has("APr") && m.has("ARl@300"));
        }
    }

    @Test
    void everyModelIsScoredOnValAndOnTheHeldOutTestSplitWithApPerBagsBin() {
        JsonNode evaluations = harness.showJson(tinyRun).path("evaluations");
        Map<String, List<String>> splitsOfModel = new java.util.TreeMap<>();
        java.util.Set<String> valFiles = new java.util.HashSet<>();
        java.util.Set<String> testFiles = new java.util.HashSet<>();
        for (JsonNode e : evaluations) {
            String split = e.path("split").asText();
            splitsOfModel
                    .computeIfAbsent(e.path("model_id").asText(), k -> new ArrayList<>())
                    .add(split);
            (split.equals("val") ? valFiles : testFiles)
                    .add(e.path("dataset_sha256").asText());
            // the default bins [0,10), [10,100), [100,1000), [1000,inf): tiny has classes in the first three
            JsonNode bins = e.path("bin_ap");
            assertEquals(4, bins.size(), e::toString);
            assertEquals("[0,10)", bins.get(0).path("bin").asText());
            assertEquals("[1000,inf)", bins.get(3).path("bin").asText());
            int classes = 0;
            for (JsonNode b : bins) {
                classes += b.path("classes").asInt();
                double ap = b.path("ap").asDouble();
                assertTrue(ap == -1 || (ap >= 0 && ap <= 1), b::toString);
            }
            assertEquals(10, classes, e::toString);
            assertEquals(-1.0, bins.get(3).path("ap").asDouble(), "no class has 1000 instances in tiny");
        }
        for (String kind : List.of("base", "bags", "control", "reweight_cls", "tau_norm_select")) {
            assertEquals(List.of("val", "test"), splitsOfModel.get(tinyRun + "-" + kind), kind);
        }
        // one val file and one test file, different ones: test is held out
        assertEquals(1, valFiles.size());
        assertEquals(1, testFiles.size());
        assertNotEquals(valFiles, testFiles);
    }

    @Test
    void theReportTheGroupFilesAndEveryCheckpointAreArtifactsOfTheRun() {
        RunView view = harness.show(tinyRun);
        List<String> outputs = view.stages().stream()
                .flatMap(s -> s.attempts().stream())
                .flatMap(a -> a.outputs().keySet().stream())
                .toList();
        assertTrue(
                outputs.containsAll(List.of(
                        "manifest",
                        "groups",
                        "groups_npz",
                        "images",
                        "checkpoint/base",
                        "checkpoint/bags",
                        "checkpoint/control",
                        "checkpoint/reweight_cls",
                        "checkpoint/tau_norm_select",
                        "tau/tau_norm_select",
                        "results/bags",
                        "results/tau_norm_select",
                        "metrics/bags",
                        "test",
                        "results/bags@test",
                        "metrics/bags@test",
                        "report")),
                outputs::toString);
    }

    @Test
    void tauNormShowsTheTauItChoseOnValAndEvaluateMeasuresThatAp() {
        // tau_norm_select shows the tau it chose on val and the val AP of every tau tried; EVALUATE then measures, on
        // the
        // same val set, exactly the AP that the chosen tau had in the search
        JsonNode run = harness.showJson(tinyRun);
        JsonNode tauAttempt = null;
        for (JsonNode s : run.path("stages")) {
            for (JsonNode a : s.path("attempts")) {
                if (a.path("part").asText().equals("tau_norm_select")) {
                    tauAttempt = a;
                }
            }
        }
        assertNotNull(tauAttempt, run::toString);
        JsonNode search = tauAttempt.path("progress");
        assertEquals("val", search.path("selected_on").asText(), search::toString);
        double tau = search.path("tau").asDouble(-1);
        List<Double> grid = new ArrayList<>();
        search.path("tau_grid").forEach(t -> grid.add(t.asDouble()));
        assertEquals(List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), grid, search::toString);
        assertTrue(grid.contains(tau), search::toString);
        double searchedAp = search.path("val_ap").get(grid.indexOf(tau)).asDouble();
        int tauEvaluations = 0;
        for (JsonNode e : run.path("evaluations")) {
            if (e.path("model_id").asText().equals(tinyRun + "-tau_norm_select")
                    && e.path("split").asText().equals("val")) {
                assertEquals(searchedAp, e.path("metrics").path("AP").asDouble(), 1e-12, e::toString);
                tauEvaluations++;
            }
        }
        assertEquals(1, tauEvaluations, run.path("evaluations")::toString);
    }

    @Test
    void comparingRunsOfTwoDatasetsGivesNoDeltaAcrossThemAndSaysWhichTheyAre(@TempDir Path cacheDir) {
        PipelineSpec seed8 = PipelineSpecs.parse(
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 8}}," + " \"generations\": [\"bags\"]}");
        String other = harness.launcher.start(seed8, null, null);
        assertEquals("SUCCEEDED", harness.launcher.await(other).status().name());
        var s3 = harness.endpoints.s3();
        var store = io.bagsflow.activities.ArtifactStore.connect(
                s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
        var reports = new io.bagsflow.activities.report.RunReports(
                harness.database, store, new io.bagsflow.activities.pipeline.DatasetCache(store, cacheDir));
        var lineage = new io.bagsflow.db.LineageRepository(harness.database);
        List<io.bagsflow.db.ModelRecord> models =
                new ArrayList<>(lineage.modelsOfRun(tinyRun).subList(0, 2));
        models.addAll(lineage.modelsOfRun(other));
        var view = reports.reportModels(models, false);
        // every model is reported on its test split, and seed 8's models are compared only with each other
        assertEquals(
                List.of("test", "test", "test", "test"),
                view.stream().map(m -> m.split()).toList());
        assertEquals(
                List.of(0, 0, 2, 2),
                java.util.Arrays.stream(io.bagsflow.ml.report.ComparisonTable.bases(view))
                        .boxed()
                        .toList());
        String note = io.bagsflow.ml.report.ComparisonTable.datasetNote(view);
        assertTrue(
                note.startsWith("evaluated on 2 different datasets")
                        && note.contains("synth:tiny:7 (test ")
                        && note.contains("synth:tiny:8 (test "),
                note);
        String apRow = io.bagsflow.ml.report.ComparisonTable.text(view)
                .lines()
                .filter(l -> l.startsWith("AP "))
                .findFirst()
                .orElseThrow();
        assertEquals(2, apRow.chars().filter(c -> c == '(').count(), "one delta per dataset's second model: " + apRow);
        assertEquals(4, view.get(0).binAp().size());
    }

    @Test
    void startingTheSameSpecAgainReusesEveryStage() {
        long t0 = System.nanoTime();
        String runId = harness.launcher.start(tinySpec(), null, null);
        assertEquals("SUCCEEDED", harness.launcher.await(runId).status().name());
        double seconds = (System.nanoTime() - t0) / 1e9;

        RunView view = harness.show(runId);
        for (StageView s : view.stages()) {
            assertEquals("REUSED", s.status().name(), s.stage());
            for (AttemptView a : s.attempts()) {
                assertEquals("REUSED", a.status().name());
                assertNotNull(a.reusedAttemptId());
            }
        }
        assertEquals(5, view.models().size());
        assertEquals(10, view.evaluations().size());
        assertTrue(seconds < 30, "a fully reused run took " + seconds + " s");
    }

    @Test
    void aBrokenValFileStopsTheRunUntilItIsFixedAndRetried(@TempDir Path dir) throws Exception {
        var data = SyntheticDataset.generate(SyntheticPreset.TINY, 7, dir.resolve("tiny"));
        String good = Files.readString(data.val());
        // annotation 0's bbox gets three numbers: a defect the validator must name with file and record
        String broken =
                good.replaceFirst("\"bbox\":\\[([^,\\]]+),([^,\\]]+),([^,\\]]+),([^\\]]+)\\]", "\"bbox\":[$1,$2,$3]");
        Files.writeString(data.val(), broken);
        PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"train\": \"" + data.train() + "\", \"val\": \""
                + data.val() + "\", \"images\": \"" + data.imageDir() + "\"}, \"detector\": {\"preset\": \"tiny\"},"
                + " \"generations\": [\"bags\"]}");

        String runId = harness.launcher.start(spec, null, null);
        RunView waiting = harness.waitForStatus(runId, "WAITING_FOR_RETRY", Duration.ofMinutes(2));
        StageView prepare = waiting.stages().get(0);
        assertEquals("FAILED", prepare.status().name());
        String error = prepare.attempts().get(0).error();
        assertTrue(
                error.contains(data.val().toString()) && error.contains("bbox") && error.contains("annotations[0]"),
                error);
        assertEquals("PENDING", waiting.stages().get(1).status().name());

        Files.writeString(data.val(), good);
        harness.launcher.retry(runId, Map.of());
        assertEquals("SUCCEEDED", harness.launcher.await(runId).status().name());

        RunView done = harness.show(runId);
        List<AttemptView> attempts = done.stages().get(0).attempts();
        assertEquals(
                List.of("FAILED", "SUCCEEDED"),
                attempts.stream().map(a -> a.status().name()).toList());
        assertEquals(List.of(1, 2), attempts.stream().map(AttemptView::attempt).toList());
        assertEquals(2, done.models().size());
        // a local dataset without a test file: val serves as test, both evaluations on the val file
        assertEquals(
                List.of("val", "test", "val", "test"),
                done.evaluations().stream().map(e -> e.split()).toList());
        assertEquals(
                1,
                done.evaluations().stream()
                        .map(e -> e.datasetSha256())
                        .distinct()
                        .count(),
                done.evaluations()::toString);
    }

    @Test
    void aNewRunCanTakeTheStagesBeforeAChosenOneFromAnEarlierRun() {
        String first = tinyRun;
        // reuse off: FINETUNE_BAGS and EVALUATE are computed again, the earlier stages come from the first run. The
        // generation is one the shared run has not: a second attempt of its fine-tune (whose training curve records
        // its speed, so its bytes differ) would be the newest attempt of that key, and a later run of the shared
        // spec would reuse it and then make a new report
        PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 7}},"
                + " \"generations\": [\"crt\"], \"reuse\": false}");
        String runId = harness.launcher.start(spec, first, io.bagsflow.model.Stage.FINETUNE_BAGS);
        assertEquals("SUCCEEDED", harness.launcher.await(runId).status().name());

        RunView view = harness.show(runId);
        assertEquals(first, view.resumedFrom());
        assertEquals(
                List.of("REUSED", "REUSED", "SUCCEEDED", "SUCCEEDED"),
                view.stages().stream().map(st -> st.status().name()).toList());
        RunView earlier = harness.show(first);
        assertEquals(
                earlier.stages().get(1).attempts().get(0).outputs(),
                view.stages().get(1).attempts().get(0).outputs(),
                "the base checkpoint is the first run's");
        assertEquals(
                List.of(runId + "-base", runId + "-crt"),
                view.models().stream().map(m -> m.modelId()).toList());
        assertEquals(runId + "-base", view.models().get(1).parentModelId());
        assertEquals(
                earlier.models().get(0).checkpointSha256(), view.models().get(0).checkpointSha256());
        assertEquals(4, view.evaluations().size());
        assertEquals(
                List.of("val", "test", "val", "test"),
                view.evaluations().stream().map(e -> e.split()).toList());
    }

    @Test
    void trainingThatDivergesWaitsAndARetryWithALowerLearningRateCompletesTheRun() throws Exception {
        PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 5}},"
                + " \"detector\": {\"learningRate\": 1000000.0, \"maxNonFiniteSteps\": 3},"
                + " \"generations\": [\"bags\"]}");
        String runId = harness.launcher.start(spec, null, null);
        RunView waiting = harness.waitForStatus(runId, "WAITING_FOR_RETRY", Duration.ofMinutes(2));
        StageView training = waiting.stages().get(1);
        assertEquals("FAILED", training.status().name());
        assertEquals(1, training.attempts().size(), "a diverged run is not retried as it is");
        assertTrue(
                training.attempts().get(0).error().startsWith("InvalidInput"),
                training.attempts().get(0).error());

        harness.launcher.retry(runId, Map.of("detector.learningRate", "0.02"));
        assertEquals("SUCCEEDED", harness.launcher.await(runId).status().name());
        RunView done = harness.show(runId);
        List<AttemptView> attempts = done.stages().get(1).attempts();
        assertEquals(
                List.of("FAILED", "SUCCEEDED"),
                attempts.stream().map(a -> a.status().name()).toList());
        assertTrue(attempts.get(1).resumedFromIteration() == null, "new settings start afresh");
        assertTrue(
                done.spec().path("detector").path("learningRate").asDouble() == 0.02,
                "the stored spec is the one the run finished with: " + done.spec());
    }

    @Test
    void aDatasetCanBeReadFromAnS3Prefix(@TempDir Path dir) throws Exception {
        var data = SyntheticDataset.generate(SyntheticPreset.TINY, 7, dir.resolve("tiny"));
        var s3 = harness.endpoints.s3();
        var store =
                io.bagsflow.activities.ArtifactStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "datasets");
        io.minio.MinioClient client = io.minio.MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey())
                .region("us-east-1")
                .build();
        for (Path f : List.of(data.train(), data.val(), data.test())) {
            client.uploadObject(io.minio.UploadObjectArgs.builder()
                    .bucket("datasets")
                    .object("tiny/" + f.getFileName())
                    .filename(f.toString())
                    .build());
        }
        try (var images = Files.list(data.imageDir())) {
            for (Path f : images.toList()) {
                client.uploadObject(io.minio.UploadObjectArgs.builder()
                        .bucket("datasets")
                        .object("tiny/images/" + f.getFileName())
                        .filename(f.toString())
                        .build());
            }
        }
        assertTrue(store.objects()
                        .list(io.bagsflow.activities.S3Objects.S3Uri.parse("s3://datasets/tiny/images"))
                        .size()
                > 100);

        PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"train\": \"s3://datasets/tiny/train.json\","
                + " \"val\": \"s3://datasets/tiny/val.json\", \"test\": \"s3://datasets/tiny/test.json\","
                + " \"images\": \"s3://datasets/tiny/images\"},"
                + " \"detector\": {\"preset\": \"tiny\"}, \"generations\": [\"bags\"]}");
        String runId = harness.launcher.start(spec, null, null);
        assertEquals("SUCCEEDED", harness.launcher.await(runId).status().name());
        RunView view = harness.show(runId);
        assertEquals("SUCCEEDED", view.stages().get(0).status().name());
        // the same images and annotations (test split included) as the shared tiny run's synthetic dataset: its base
        // model is reused
        assertEquals("REUSED", view.stages().get(1).status().name());
        assertEquals(
                List.of("val", "test", "val", "test"),
                view.evaluations().stream().map(e -> e.split()).toList());
        assertNotEquals(
                view.evaluations().get(0).datasetSha256(),
                view.evaluations().get(1).datasetSha256());
    }
}

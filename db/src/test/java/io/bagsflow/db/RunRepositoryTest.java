package io.bagsflow.db;

import io.bagsflow.workflows.pipeline.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunRepositoryTest {

    private Database db;
    private RunRepository runs;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        runs = new RunRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void flywayMigratesAnEmptyDatabaseToTheCurrentSchema() throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                     + "WHERE table_schema = 'public' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        // later migrations add tables; these are V1's to V3's
        assertTrue(tables.containsAll(List.of("artifact", "category_ap", "checkpoint", "corrupt_object", "evaluation",
                "experiment", "experiment_cell", "flyway_schema_history", "model", "pipeline_run", "stage_attempt",
                "stage_claim", "stage_output")), tables::toString);
    }

    @Test
    void aRunRoundTripsWithItsStatusChanges() {
        PipelineRun created = runs.createRun("run-1", "pipeline-run-1", "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}",
                "0.1.0", "synth:tiny:7", null);
        assertEquals("RUNNING", created.status().name());
        assertEquals("pipeline-run-1", created.workflowId());
        assertEquals("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}", created.specJson());
        assertNull(created.endedAt());

        runs.updateRunStatus("run-1", RunStatus.WAITING_FOR_RETRY);
        assertEquals("WAITING_FOR_RETRY", runs.findRun("run-1").orElseThrow().status().name());
        assertNull(runs.findRun("run-1").orElseThrow().endedAt());

        runs.updateRunStatus("run-1", RunStatus.SUCCEEDED);
        PipelineRun done = runs.findRun("run-1").orElseThrow();
        assertEquals("SUCCEEDED", done.status().name());
        assertTrue(done.endedAt() != null && !done.endedAt().isBefore(done.createdAt()));
    }

    @Test
    void attemptsAreNumberedPerStageAndKeepErrorsProgressAndOutputs() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "synth:tiny:7", null);
        StageAttempt first = runs.startAttempt("run-1", "TRAIN_BASE", "", "key-train", "worker-a");
        assertEquals(1, first.attempt());
        assertEquals("RUNNING", first.status().name());

        runs.updateProgress(first.id(), "{\"iteration\": 40, \"loss\": 1.25}");
        runs.failAttempt(first.id(), "java.lang.IllegalStateException", "worker died");

        StageAttempt second = runs.startAttempt("run-1", "TRAIN_BASE", "", "key-train", "worker-b");
        assertEquals(2, second.attempt());
        runs.markResumed(second.id(), 40);
        assertEquals(40, runs.findAttempt(second.id()).orElseThrow().resumedFromIteration());

        ArtifactRecord ckpt = new ArtifactRecord("a".repeat(64), 1234, "application/zip", "sha256/aa/" + "a".repeat(64),
                second.id());
        StageAttempt ok = runs.succeedAttempt(second.id(), Map.of("checkpoint", ckpt));
        assertEquals("SUCCEEDED", ok.status().name());
        assertEquals(Map.of("checkpoint", "a".repeat(64)), ok.outputs());

        StageAttempt prepare = runs.startAttempt("run-1", "PREPARE", "", "key-prep", "worker-a");
        assertEquals(1, prepare.attempt());

        RunDetails details = runs.runDetails("run-1").orElseThrow();
        assertEquals(List.of("PREPARE/1", "TRAIN_BASE/1", "TRAIN_BASE/2"),
                details.attempts().stream().map(a -> a.stage() + "/" + a.attempt()).toList());
        StageAttempt failed = details.attempts().get(1);
        assertEquals("FAILED", failed.status().name());
        assertEquals("java.lang.IllegalStateException", failed.errorClass());
        assertEquals("worker died", failed.errorMessage());
        assertTrue(failed.progressJson().contains("\"iteration\": 40"));
        assertEquals(List.of("a".repeat(64)), details.artifacts().stream().map(ArtifactRecord::sha256).toList());
        assertEquals(1234, details.artifacts().get(0).sizeBytes());
        assertEquals(second.id(), details.artifacts().get(0).producedBy());
    }

    @Test
    void aStageIsReusedFromTheNewestCompletedAttemptWithTheSameKey() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt a = runs.startAttempt("run-1", "PREPARE", "", "prep-key", "w");
        ArtifactRecord manifest = new ArtifactRecord("b".repeat(64), 10, "application/json", "k", a.id());
        runs.succeedAttempt(a.id(), Map.of("manifest", manifest));

        assertTrue(runs.findCompletedAttempt("other-key").isEmpty());
        StageAttempt found = runs.findCompletedAttempt("prep-key").orElseThrow();
        assertEquals(a.id(), found.id());

        runs.createRun("run-2", "wf-2", "{}", "0.1.0", "d", null);
        StageAttempt reused = runs.recordReuse("run-2", "PREPARE", "", "w2", found);
        assertEquals("REUSED", reused.status().name());
        assertEquals(a.id(), reused.reusedAttemptId());
        assertEquals(Map.of("manifest", "b".repeat(64)), reused.outputs());
        assertEquals(List.of(reused.id()),
                runs.findCompletedAttempts("run-2", "PREPARE").stream().map(StageAttempt::id).toList());
    }

    @Test
    void succeedingWithABadOutputLeavesTheAttemptRunningAndRegistersNothing() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt a = runs.startAttempt("run-1", "PREPARE", "", "k", "w");
        ArtifactRecord good = new ArtifactRecord("c".repeat(64), 1, "text/plain", "k1", a.id());
        ArtifactRecord bad = new ArtifactRecord("not-a-sha", 1, "text/plain", "k2", a.id());
        assertThrows(DatabaseException.class,
                () -> runs.succeedAttempt(a.id(), new java.util.TreeMap<>(Map.of("a-good", good, "b-bad", bad))));
        assertEquals("RUNNING", runs.findAttempt(a.id()).orElseThrow().status().name());
        assertTrue(runs.findArtifact("c".repeat(64)).isEmpty(), "the transaction must roll back the good output");
    }

    @Test
    void partsAreNumberedSeparatelyAndALostWorkersAttemptIsClosedWhenTheNextStarts() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt bags = runs.startAttempt("run-1", "FINETUNE_BAGS", "bags", "k-bags", "worker-a");
        StageAttempt control = runs.startAttempt("run-1", "FINETUNE_BAGS", "control", "k-control", "worker-a");
        assertEquals(1, bags.attempt());
        assertEquals(1, control.attempt());

        // worker-a was killed; Temporal retried the bags part on worker-b
        StageAttempt retried = runs.startAttempt("run-1", "FINETUNE_BAGS", "bags", "k-bags", "worker-b");
        assertEquals(2, retried.attempt());
        StageAttempt lost = runs.findAttempt(bags.id()).orElseThrow();
        assertEquals("FAILED", lost.status().name());
        assertEquals("WorkerLost", lost.errorClass());
        assertEquals("the worker worker-a stopped heartbeating; the stage was retried", lost.errorMessage());
        assertEquals("RUNNING", runs.findAttempt(control.id()).orElseThrow().status().name());

        runs.succeedAttempt(retried.id(), Map.of());
        runs.succeedAttempt(control.id(), Map.of());
        assertEquals(List.of("bags/2", "control/1"), runs.findCompletedAttempts("run-1", "FINETUNE_BAGS").stream()
                .map(a -> a.part() + "/" + a.attempt()).toList());
    }

    @Test
    void artifactsAreRegisteredOnce() {
        ArtifactRecord a = new ArtifactRecord("d".repeat(64), 5, "text/plain", "key", null);
        runs.putArtifact(a);
        runs.putArtifact(new ArtifactRecord("d".repeat(64), 999, "other", "other", null));
        ArtifactRecord stored = runs.findArtifact("d".repeat(64)).orElseThrow();
        assertEquals(5, stored.sizeBytes());
        assertEquals("key", stored.s3Key());
    }

    @Test
    void runsAreListedNewestFirstAndFilteredByStatusTimeAndDataset() throws Exception {
        runs.createRun("run-a", "wf-a", "{}", "0.1.0", "synth:tiny:7", null);
        Thread.sleep(5);
        runs.createRun("run-b", "wf-b", "{}", "0.1.0", "/data/lvis_v1_train.json", null);
        Thread.sleep(5);
        runs.createRun("run-c", "wf-c", "{}", "0.1.0", "synth:small:1", "run-a");
        runs.updateRunStatus("run-b", RunStatus.FAILED);

        assertEquals(List.of("run-c", "run-b", "run-a"), ids(runs.listRuns(RunFilter.all())));
        assertEquals(List.of("run-b"), ids(runs.listRuns(RunFilter.all().withStatus("FAILED"))));
        assertEquals(List.of("run-c", "run-a"), ids(runs.listRuns(RunFilter.all().withDataset("synth:"))));
        Instant bCreated = runs.findRun("run-b").orElseThrow().createdAt();
        assertEquals(List.of("run-c", "run-b"),
                ids(runs.listRuns(RunFilter.all().createdBetween(bCreated, null))));
        assertEquals(List.of("run-a"), ids(runs.listRuns(RunFilter.all().createdBetween(null, bCreated))));
        assertEquals("run-a", runs.findRun("run-c").orElseThrow().resumedFrom());
    }

    private static List<String> ids(List<PipelineRun> list) {
        return list.stream().map(PipelineRun::id).toList();
    }
}

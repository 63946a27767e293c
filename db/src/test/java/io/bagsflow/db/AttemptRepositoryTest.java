package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttemptRepositoryTest {

    private Database db;
    private RunRepository runs;
    private AttemptRepository attempts;
    private ArtifactRepository artifacts;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        runs = new RunRepository(db);
        attempts = new AttemptRepository(db);
        artifacts = new ArtifactRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void attemptsAreNumberedPerStageAndKeepErrorsProgressAndOutputs() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "synth:tiny:7", null);
        StageAttempt first = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "", "key-train", "worker-a");
        assertEquals(1, first.attempt());
        assertEquals("RUNNING", first.status().name());

        attempts.updateProgress(first.id(), "{\"iteration\": 40, \"loss\": 1.25}");
        attempts.failAttempt(first.id(), "java.lang.IllegalStateException", "worker died");

        StageAttempt second = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "", "key-train", "worker-b");
        assertEquals(2, second.attempt());
        attempts.markResumed(second.id(), 40);
        assertEquals(40, attempts.findAttempt(second.id()).orElseThrow().resumedFromIteration());

        ArtifactRecord ckpt =
                new ArtifactRecord("a".repeat(64), 1234, "application/zip", "sha256/aa/" + "a".repeat(64), second.id());
        StageAttempt ok = attempts.succeedAttempt(second.id(), Map.of("checkpoint", ckpt));
        assertEquals("SUCCEEDED", ok.status().name());
        assertEquals(Map.of("checkpoint", "a".repeat(64)), ok.outputs());

        StageAttempt prepare = attempts.startAttempt("run-1", Stage.PREPARE, "", "key-prep", "worker-a");
        assertEquals(1, prepare.attempt());

        RunDetails details = runs.runDetails("run-1").orElseThrow();
        assertEquals(
                List.of("PREPARE/1", "TRAIN_BASE/1", "TRAIN_BASE/2"),
                details.attempts().stream()
                        .map(a -> a.stage() + "/" + a.attempt())
                        .toList());
        StageAttempt failed = details.attempts().get(1);
        assertEquals("FAILED", failed.status().name());
        assertEquals("java.lang.IllegalStateException", failed.errorClass());
        assertEquals("worker died", failed.errorMessage());
        assertTrue(failed.progressJson().contains("\"iteration\": 40"));
        assertEquals(
                List.of("a".repeat(64)),
                details.artifacts().stream().map(ArtifactRecord::sha256).toList());
        assertEquals(1234, details.artifacts().get(0).sizeBytes());
        assertEquals(second.id(), details.artifacts().get(0).producedBy());
    }

    @Test
    void aStageIsReusedFromTheAttemptsThatComputedTheSameKeyTheFirstFinishedFirst() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt a = attempts.startAttempt("run-1", Stage.PREPARE, "", "prep-key", "w");
        ArtifactRecord manifest = new ArtifactRecord("b".repeat(64), 10, "application/json", "k", a.id());
        attempts.succeedAttempt(a.id(), Map.of("manifest", manifest));

        assertTrue(attempts.findReusableAttempts("other-key").isEmpty());
        StageAttempt found = attempts.findReusableAttempts("prep-key").get(0);
        assertEquals(a.id(), found.id());

        runs.createRun("run-2", "wf-2", "{}", "0.1.0", "d", null);
        StageAttempt reused = attempts.recordReuse("run-2", Stage.PREPARE, "", "w2", found);
        assertEquals("REUSED", reused.status().name());
        assertEquals(a.id(), reused.reusedAttemptId());
        assertEquals(Map.of("manifest", "b".repeat(64)), reused.outputs());
        assertEquals(
                List.of(reused.id()),
                attempts.findCompletedAttempts("run-2", Stage.PREPARE).stream()
                        .map(StageAttempt::id)
                        .toList());

        // a run with reuse off computes the key again: it comes after the first, and the reuse is not listed
        runs.createRun("run-3", "wf-3", "{}", "0.1.0", "d", null);
        StageAttempt again = attempts.startAttempt("run-3", Stage.PREPARE, "", "prep-key", "w");
        attempts.succeedAttempt(
                again.id(),
                Map.of("manifest", new ArtifactRecord("e".repeat(64), 10, "application/json", "k2", again.id())));
        assertEquals(
                List.of(a.id(), again.id()),
                attempts.findReusableAttempts("prep-key").stream()
                        .map(StageAttempt::id)
                        .toList());
    }

    @Test
    void succeedingWithABadOutputLeavesTheAttemptRunningAndRegistersNothing() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt a = attempts.startAttempt("run-1", Stage.PREPARE, "", "k", "w");
        ArtifactRecord good = new ArtifactRecord("c".repeat(64), 1, "text/plain", "k1", a.id());
        ArtifactRecord bad = new ArtifactRecord("not-a-sha", 1, "text/plain", "k2", a.id());
        assertThrows(
                DatabaseException.class,
                () -> attempts.succeedAttempt(a.id(), new java.util.TreeMap<>(Map.of("a-good", good, "b-bad", bad))));
        assertEquals(
                "RUNNING", attempts.findAttempt(a.id()).orElseThrow().status().name());
        assertTrue(artifacts.find("c".repeat(64)).isEmpty(), "the transaction must roll back the good output");
    }

    @Test
    void partsAreNumberedSeparatelyAndALostWorkersAttemptIsClosedWhenTheNextStarts() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt bags = attempts.startAttempt("run-1", Stage.FINETUNE_BAGS, "bags", "k-bags", "worker-a");
        StageAttempt control = attempts.startAttempt("run-1", Stage.FINETUNE_BAGS, "control", "k-control", "worker-a");
        assertEquals(1, bags.attempt());
        assertEquals(1, control.attempt());

        // worker-a was killed; Temporal retried the bags part on worker-b
        StageAttempt retried = attempts.startAttempt("run-1", Stage.FINETUNE_BAGS, "bags", "k-bags", "worker-b");
        assertEquals(2, retried.attempt());
        StageAttempt lost = attempts.findAttempt(bags.id()).orElseThrow();
        assertEquals("FAILED", lost.status().name());
        assertEquals("WorkerLost", lost.errorClass());
        assertEquals("the worker worker-a stopped heartbeating; the stage was retried", lost.errorMessage());
        assertEquals(
                "RUNNING",
                attempts.findAttempt(control.id()).orElseThrow().status().name());

        attempts.succeedAttempt(retried.id(), Map.of());
        attempts.succeedAttempt(control.id(), Map.of());
        assertEquals(
                List.of("bags/2", "control/1"),
                attempts.findCompletedAttempts("run-1", Stage.FINETUNE_BAGS).stream()
                        .map(a -> a.part() + "/" + a.attempt())
                        .toList());
    }

    @Test
    void anActivityRetriedAfterItsSuccessWasRecordedFindsItsOwnAttemptButNotAnotherRunsWithTheSameKey() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        runs.createRun("run-2", "wf-2", "{}", "0.1.0", "d", null);
        StageAttempt other = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "base", "same-key", "w");
        attempts.succeedAttempt(other.id(), Map.of());

        assertTrue(attempts.findOwnCompletedAttempt("run-2", Stage.TRAIN_BASE, "base", "same-key")
                .isEmpty());
        assertEquals(
                other.id(), attempts.findReusableAttempts("same-key").get(0).id());

        StageAttempt own = attempts.startAttempt("run-2", Stage.TRAIN_BASE, "base", "same-key", "w");
        attempts.succeedAttempt(own.id(), Map.of());
        assertEquals(
                own.id(),
                attempts.findOwnCompletedAttempt("run-2", Stage.TRAIN_BASE, "base", "same-key")
                        .orElseThrow()
                        .id());
    }

    @Test
    void failingAnAttemptThatAlreadyEndedChangesNothing() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt a = attempts.startAttempt("run-1", Stage.PREPARE, "", "k", "w");
        StageAttempt b = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "base", "k2", "w");
        assertEquals(
                List.of(a.id(), b.id()),
                attempts.runningAttempts("run-1").stream().map(StageAttempt::id).toList());
        attempts.succeedAttempt(a.id(), Map.of());

        assertFalse(attempts.failAttempt(a.id(), "WorkerLost", "too late"));
        assertEquals(
                "SUCCEEDED", attempts.findAttempt(a.id()).orElseThrow().status().name());
        assertTrue(attempts.failAttempt(b.id(), "WorkerLost", "gone"));
        assertEquals(List.of(), attempts.runningAttempts("run-1"));
    }

    @Test
    void theOutputsOfEveryAttemptOfARunAreLoadedWithIt() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        List<Long> ids = new java.util.ArrayList<>();
        for (String part : List.of("bags", "control", "crt")) {
            StageAttempt a = attempts.startAttempt("run-1", Stage.FINETUNE_BAGS, part, "k-" + part, "w");
            String sha = String.valueOf((char) ('a' + ids.size())).repeat(64);
            ArtifactRecord out = new ArtifactRecord(sha, 1, "application/zip", "k-" + part, a.id());
            attempts.succeedAttempt(a.id(), Map.of("checkpoint/" + part, out, "curve/" + part, out));
            ids.add(a.id());
        }
        List<StageAttempt> loaded = runs.runDetails("run-1").orElseThrow().attempts();
        assertEquals(ids, loaded.stream().map(StageAttempt::id).toList());
        for (StageAttempt a : loaded) {
            assertEquals(
                    java.util.Set.of("checkpoint/" + a.part(), "curve/" + a.part()),
                    a.outputs().keySet());
        }
    }
}

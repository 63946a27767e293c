package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.db.StorageRepository.CheckpointRecord;
import io.bagsflow.db.StorageRepository.Detection;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StorageRepositoryTest {

    private Database db;
    private RunRepository runs;
    private AttemptRepository attempts;
    private StorageRepository storage;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        runs = new RunRepository(db);
        attempts = new AttemptRepository(db);
        storage = new StorageRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static String sha(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void aTrainingPartResumesFromTheNewestIntactCheckpointOfAnyRunWithTheSameKey() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        runs.createRun("run-2", "wf-2", "{}", "0.1.0", "d", null);
        StageAttempt crashed = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "base", "k", "worker-a");
        storage.recordCheckpoint(crashed.id(), 40, sha('a'), 10);
        storage.recordCheckpoint(crashed.id(), 80, sha('b'), 10);
        StageAttempt other = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "base", "k2", "worker-a");
        storage.recordCheckpoint(other.id(), 120, sha('c'), 10);
        StageAttempt again = attempts.startAttempt("run-2", Stage.TRAIN_BASE, "base", "k", "worker-b");

        // run-2 finds run-1's checkpoints (same key), newest first; the other key's checkpoint is not for it
        assertEquals(
                List.of(
                        new CheckpointRecord(crashed.id(), 80, sha('b'), 10),
                        new CheckpointRecord(crashed.id(), 40, sha('a'), 10)),
                storage.resumableCheckpoints("TRAIN_BASE", "base", "k", again.id()));
        assertTrue(storage.resumableCheckpoints("TRAIN_BASE", "other", "k", again.id())
                .isEmpty());

        // a checkpoint found corrupt is skipped until the same bytes are stored again
        storage.markCorrupt("sha256/bb/" + sha('b'), sha('b'), sha('f'), Detection.DOWNLOAD);
        assertTrue(storage.isCorrupt(sha('b')));
        assertEquals(
                40,
                storage.resumableCheckpoints("TRAIN_BASE", "base", "k", again.id())
                        .get(0)
                        .iteration());
        storage.markRepaired(sha('b'));
        assertFalse(storage.isCorrupt(sha('b')));
        assertEquals(
                80,
                storage.resumableCheckpoints("TRAIN_BASE", "base", "k", again.id())
                        .get(0)
                        .iteration());
        assertEquals(Detection.DOWNLOAD, storage.corruptObjects().get(0).detectedBy());
    }

    @Test
    void checkpointsBeyondTheNewestNAreSupersededOnlyOnceTheirRunHasEnded() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt a = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "base", "k", "w");
        for (int i = 1; i <= 4; i++) {
            storage.recordCheckpoint(a.id(), i * 10, sha((char) ('0' + i)), 5);
        }
        assertTrue(storage.supersededCheckpoints(1).isEmpty(), "a RUNNING run may still resume from any");

        // the final output happens to have the same bytes as checkpoint 30: it is referenced, not superseded
        ArtifactRecord output = new ArtifactRecord(sha('3'), 5, "application/zip", "k3", a.id());
        attempts.succeedAttempt(a.id(), Map.of("checkpoint/base", output));
        runs.updateRunStatus("run-1", RunStatus.SUCCEEDED);
        assertEquals(
                List.of(10, 20),
                storage.supersededCheckpoints(1).stream()
                        .map(CheckpointRecord::iteration)
                        .toList());
        assertEquals(
                List.of(10),
                storage.supersededCheckpoints(3).stream()
                        .map(CheckpointRecord::iteration)
                        .toList());

        storage.deleteCheckpoint(a.id(), 10);
        assertEquals(
                List.of(40, 30, 20),
                storage.checkpointsOf(a.id()).stream()
                        .map(CheckpointRecord::iteration)
                        .toList());
        assertTrue(storage.referencedHashes().containsAll(List.of(sha('2'), sha('3'), sha('4'))));
        assertFalse(storage.referencedHashes().contains(sha('1')));
    }

    @Test
    void aFailureBeforeTheAttemptStartedIsRecordedAsAFailedAttempt() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt failed = attempts.recordFailedAttempt(
                "run-1",
                Stage.PREPARE,
                "",
                "(unknown)",
                "w",
                "S3Unavailable",
                "cannot list s3://datasets/tiny/images/");
        assertEquals("FAILED", failed.status().name());
        assertEquals(1, failed.attempt());
        assertEquals("S3Unavailable", failed.errorClass());
        assertTrue(failed.endedAt() != null);
        assertEquals(
                2, attempts.startAttempt("run-1", Stage.PREPARE, "", "k", "w").attempt());
    }

    @Test
    void theFinalProgressIsStoredWhenTheAttemptEnds() {
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "d", null);
        StageAttempt a = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "base", "k", "w");
        attempts.updateProgress(a.id(), "{\"step\": 20, \"total\": 600}");
        attempts.succeedAttempt(a.id(), Map.of(), "{\"step\": 600, \"total\": 600}", c -> null);
        assertTrue(attempts.findAttempt(a.id()).orElseThrow().progressJson().contains("\"step\": 600"));
    }
}

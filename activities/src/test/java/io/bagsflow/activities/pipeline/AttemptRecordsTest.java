package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.TestS3;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.Database;
import io.bagsflow.db.DatabaseException;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.db.TestPostgres;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.PartKey;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows an attempt leaves when its close does not go as planned, against the real PostgreSQL and S3 server: a
 * close retried after its first try committed, a close of an attempt that was closed meanwhile, a failure recorded on
 * a thread the worker interrupted. (The ordinary start, success and failure: {@link StageRunnerTest}.)
 */
class AttemptRecordsTest {

    private final Database db = TestPostgres.freshDatabase();
    private final RunRepository runs = new RunRepository(db);
    private final AttemptRepository attempts = new AttemptRepository(db);
    private final ArtifactStore store = TestS3.get().store("attempt-records-test");
    private final AttemptRecords records =
            new AttemptRecords(attempts, new StorageRepository(db), store, "records-worker", store.outages());

    @TempDir
    Path workDir;

    @AfterEach
    void close() {
        db.close();
    }

    /** A new run's TRAIN_BASE part with a key of its own. */
    private KeyedCall newPart() {
        String run = "run-" + UUID.randomUUID().toString().substring(0, 8);
        runs.createRun(run, run, "{}", "test", "test", null);
        String key = "key-" + UUID.randomUUID();
        return new KeyedCall(StageCall.of(run, PartKey.base(), key, attempt -> Map.of()), key, System.nanoTime());
    }

    private Map<String, ArtifactRef> upload(Attempt attempt, String content) throws Exception {
        Path f = Files.writeString(workDir.resolve("out.txt"), content);
        return Map.of("out", attempt.upload(f, "text/plain"));
    }

    @Test
    void aCloseRetriedAfterItsFirstTryCommittedFindsTheAttemptSucceeded() throws Exception {
        KeyedCall part = newPart();
        StageAttempt opened = records.open(part);
        try (Heartbeat heartbeat = new Heartbeat(null, "records-test")) {
            Attempt attempt = records.begin(opened, workDir, heartbeat);
            Map<String, ArtifactRef> outputs = upload(attempt, "weights " + part.key());
            records.succeed(part.call(), attempt, outputs, (c, id) -> List.of());

            // as when the connection broke after the commit and before its answer: the retry must not fail the part
            assertEquals(List.of(), records.succeed(part.call(), attempt, outputs, (c, id) -> List.of()));
        }
        StageAttempt closed = attempts.findAttempt(opened.id()).orElseThrow();
        assertEquals(AttemptStatus.SUCCEEDED, closed.status());
        assertEquals(part.key(), closed.stageKey());
        assertEquals(1, closed.outputs().size(), closed.outputs().toString());
    }

    @Test
    void anAttemptClosedAsLostMeanwhileIsNotTurnedIntoASuccess() throws Exception {
        KeyedCall part = newPart();
        StageAttempt opened = records.open(part);
        try (Heartbeat heartbeat = new Heartbeat(null, "records-test")) {
            Attempt attempt = records.begin(opened, workDir, heartbeat);
            Map<String, ArtifactRef> outputs = upload(attempt, "late weights " + part.key());
            // the reconciler gave the part to another worker while this one was cut off
            attempts.failAttempt(opened.id(), FailureType.WorkerLost.name(), "lost by the test");

            assertThrows(
                    DatabaseException.class,
                    () -> records.succeed(part.call(), attempt, outputs, (c, id) -> List.of()));
        }
        StageAttempt closed = attempts.findAttempt(opened.id()).orElseThrow();
        assertEquals(AttemptStatus.FAILED, closed.status());
        assertEquals(FailureType.WorkerLost.name(), closed.errorClass());
        assertEquals(Map.of(), closed.outputs(), "the outputs were rolled back with the refused close");
    }

    @Test
    void aFailureOnAThreadTheWorkerInterruptedIsRecordedAndTheThreadStaysInterrupted() {
        KeyedCall part = newPart();
        StageAttempt opened = records.open(part);
        boolean stillInterrupted;
        try (Heartbeat heartbeat = new Heartbeat(null, "records-test")) {
            Attempt attempt = records.begin(opened, workDir, heartbeat);
            // a worker shutting down interrupts its activity threads; a blocking read then fails like this
            Thread.currentThread().interrupt();
            records.fail(attempt, new ClosedByInterruptException());
            stillInterrupted = Thread.interrupted();
        }
        assertTrue(stillInterrupted, "the interrupt is set again for whatever runs next on the thread");
        StageAttempt closed = attempts.findAttempt(opened.id()).orElseThrow();
        assertEquals(AttemptStatus.FAILED, closed.status());
        assertEquals(FailureType.WorkerStopped.name(), closed.errorClass());
    }
}

package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.TestS3;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.Database;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.TestPostgres;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a stage activity runs one part of a stage, against a real PostgreSQL and S3 server: the work runs once per
 * stage key, its outputs are uploaded and recorded with the attempt, and its failures become the failures Temporal
 * should see. (Two runs that need the same key at once: {@link StageClaimsTest}.)
 */
class StageRunnerTest {

    private final Database db = TestPostgres.freshDatabase();
    private final RunRepository runs = new RunRepository(db);
    private final AttemptRepository attempts = new AttemptRepository(db);
    private final ArtifactStore store = TestS3.get().store("stage-runner-test");

    @TempDir
    Path workRoot;

    @AfterEach
    void close() {
        db.close();
    }

    private StageRunner runner() {
        return new StageRunner(db, store, "test-worker", workRoot);
    }

    private String newRun() {
        String id = "run-" + UUID.randomUUID().toString().substring(0, 8);
        runs.createRun(id, id, "{}", "test", "test", null);
        return id;
    }

    private static String newKey() {
        return "key-" + UUID.randomUUID();
    }

    /** Work that writes one output file, counting how often it ran. */
    private static StageRunner.Work writing(String content, AtomicInteger runs) {
        return attempt -> {
            runs.incrementAndGet();
            Path f = Files.writeString(attempt.workDir().resolve("out.txt"), content);
            return Map.of("out", attempt.upload(f, "text/plain"));
        };
    }

    private List<StageAttempt> attempts(String runId) {
        return runs.runDetails(runId).orElseThrow().attempts();
    }

    @Test
    void theWorkRunsInAnAttemptWhoseOutputsAreUploadedAndRecorded() {
        String run = newRun();
        List<Path> workDirs = new ArrayList<>();
        StageResult result = runner().run(StageCall.of(run, PartKey.whole(Stage.PREPARE), newKey(), attempt -> {
            workDirs.add(attempt.workDir());
            Path f = Files.writeString(attempt.workDir().resolve("manifest.json"), "{\"images\": 3}");
            return Map.of("manifest", attempt.upload(f, "application/json"));
        }));

        assertFalse(result.reused());
        ArtifactRef manifest = result.outputs().get("manifest");
        assertTrue(store.exists(manifest.sha256()), "the output is in the artifact store");
        StageAttempt attempt = attempts.findAttempt(result.attemptId()).orElseThrow();
        assertEquals("SUCCEEDED", attempt.status().name());
        assertEquals("test-worker", attempt.worker());
        assertEquals(Map.of("manifest", manifest.sha256()), attempt.outputs());
        assertFalse(Files.exists(workDirs.get(0)), "the attempt's private folder is removed afterwards");
    }

    @Test
    void aFinishedAttemptWithTheSameKeyIsReusedByAnotherRunWithoutRunningTheWork() {
        String key = newKey();
        AtomicInteger computed = new AtomicInteger();
        StageResult first = runner().run(
                        StageCall.of(newRun(), PartKey.whole(Stage.TRAIN_BASE), key, writing("weights", computed)));
        String second = newRun();
        StageResult again =
                runner().run(StageCall.of(second, PartKey.whole(Stage.TRAIN_BASE), key, writing("weights", computed)));

        assertEquals(1, computed.get(), "the work ran once");
        assertTrue(again.reused());
        assertEquals(first.outputs(), again.outputs());
        StageAttempt reused = attempts.findAttempt(again.attemptId()).orElseThrow();
        assertEquals("REUSED", reused.status().name());
        assertEquals(second, reused.runId());
        assertEquals(first.attemptId(), reused.reusedAttemptId());
    }

    @Test
    void withReuseOffOrAnotherKeyTheWorkRunsAgain() {
        String key = newKey();
        AtomicInteger computed = new AtomicInteger();
        runner().run(StageCall.of(newRun(), PartKey.whole(Stage.TRAIN_BASE), key, writing("weights", computed)));
        StageResult noReuse = runner().run(
                        StageCall.of(newRun(), PartKey.whole(Stage.TRAIN_BASE), key, writing("weights", computed))
                                .withReuse(false));
        StageResult otherKey = runner().run(StageCall.of(
                newRun(), PartKey.whole(Stage.TRAIN_BASE), newKey(), writing("weights", computed)));

        assertEquals(3, computed.get());
        assertFalse(noReuse.reused());
        assertFalse(otherKey.reused());
    }

    @Test
    void anAttemptWhoseOutputIsGoneFromTheStoreIsNotReused() throws Exception {
        String key = newKey();
        AtomicInteger computed = new AtomicInteger();
        String content = "an output that will be lost " + key;
        StageResult first =
                runner().run(StageCall.of(newRun(), PartKey.whole(Stage.PREPARE), key, writing(content, computed)));
        Files.delete(TestS3.get()
                .behindTheServer(
                        "stage-runner-test",
                        ArtifactStore.keyOf(first.outputs().get("out").sha256())));

        StageResult again =
                runner().run(StageCall.of(newRun(), PartKey.whole(Stage.PREPARE), key, writing(content, computed)));
        assertEquals(2, computed.get(), "computed again");
        assertFalse(again.reused());
        assertTrue(store.exists(again.outputs().get("out").sha256()), "and stored again");
    }

    @Test
    void laterRunsKeepReusingTheFirstAttemptOfAKeyEvenAfterARunWithReuseOffMadeItAgain() throws Exception {
        // Two attempts of one key may differ in bytes that do not count: a training curve records the attempt's
        // speed. The run's report is keyed by those bytes, so a later run must reuse the outputs whose report exists.
        String key = newKey();
        AtomicInteger computed = new AtomicInteger();
        StageResult first = trainBase(key, true, writing("curve at 41 images/s " + key, computed));
        StageResult remade = trainBase(key, false, writing("curve at 38 images/s " + key, computed));
        assertNotEquals(first.outputs(), remade.outputs());

        StageResult later = trainBase(key, true, writing("never written", computed));
        assertTrue(later.reused());
        assertEquals(first.outputs(), later.outputs(), "the first attempt's outputs, as before the run with reuse off");
        assertEquals(
                first.attemptId(),
                attempts.findAttempt(later.attemptId()).orElseThrow().reusedAttemptId());

        // the first attempt's bytes are lost: the next intact attempt is reused rather than computing a third time
        Files.delete(TestS3.get()
                .behindTheServer(
                        "stage-runner-test",
                        ArtifactStore.keyOf(first.outputs().get("out").sha256())));
        StageResult afterTheLoss = trainBase(key, true, writing("never written", computed));
        assertTrue(afterTheLoss.reused());
        assertEquals(remade.outputs(), afterTheLoss.outputs());
        assertEquals(2, computed.get(), "computed by the first run and the run with reuse off only");
    }

    private StageResult trainBase(String key, boolean reuse, StageRunner.Work work) {
        return runner().run(StageCall.of(newRun(), PartKey.whole(Stage.TRAIN_BASE), key, work)
                .withReuse(reuse));
    }

    @Test
    void anActivityRunAgainAfterItsPartFinishedReturnsThatAttemptInsteadOfANewOne() {
        // Temporal runs the activity again when its completion did not reach the server
        String run = newRun();
        String key = newKey();
        AtomicInteger computed = new AtomicInteger();
        StageResult first = runner().run(StageCall.of(run, PartKey.finetune("bags"), key, writing("bags", computed))
                .withReuse(false));
        StageResult again = runner().run(StageCall.of(run, PartKey.finetune("bags"), key, writing("bags", computed))
                .withReuse(false));

        assertEquals(1, computed.get());
        assertEquals(first.attemptId(), again.attemptId());
        assertFalse(again.reused(), "its own work, not another run's");
        assertEquals(1, attempts(run).size());
    }

    @Test
    void badInputFailsForGoodAndTheAttemptSaysWhy() {
        String run = newRun();
        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> runner().run(StageCall.of(run, PartKey.whole(Stage.PREPARE), newKey(), attempt -> {
                    throw new InvalidInputException("val.json: annotations[0].bbox has 3 numbers, not 4");
                })));

        assertTrue(failure.isNonRetryable(), "a retry would read the same input");
        assertEquals(FailureType.InvalidInput.name(), failure.getType());
        StageAttempt attempt = attempts(run).get(0);
        assertEquals("FAILED", attempt.status().name());
        assertEquals(FailureType.InvalidInput.name(), attempt.errorClass());
        assertEquals("val.json: annotations[0].bbox has 3 numbers, not 4", attempt.errorMessage());
    }

    @Test
    void anyOtherFailureIsRetriedByTemporalAndNamedByItsClass() {
        String run = newRun();
        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> runner().run(StageCall.of(run, PartKey.whole(Stage.TRAIN_BASE), newKey(), attempt -> {
                    throw new IllegalStateException("the GPU fell off");
                })));

        assertFalse(failure.isNonRetryable());
        assertEquals(IllegalStateException.class.getName(), failure.getType());
        assertEquals("FAILED", attempts(run).get(0).status().name());
        assertEquals("the GPU fell off", attempts(run).get(0).errorMessage());
    }

    @Test
    void aFailedAttemptIsNeverReusedAndTheNextOneCountsOn() {
        String run = newRun();
        String key = newKey();
        assertThrows(
                ApplicationFailure.class,
                () -> runner().run(StageCall.of(run, PartKey.whole(Stage.PREPARE), key, attempt -> {
                    throw new IllegalStateException("disk full");
                })));
        AtomicInteger computed = new AtomicInteger();
        StageResult retried =
                runner().run(StageCall.of(run, PartKey.whole(Stage.PREPARE), key, writing("ok", computed)));

        assertEquals(1, computed.get());
        assertFalse(retried.reused());
        assertEquals(
                List.of("FAILED", "SUCCEEDED"),
                attempts(run).stream().map(a -> a.status().name()).toList());
        assertEquals(
                List.of(1, 2), attempts(run).stream().map(StageAttempt::attempt).toList());
    }

    @Test
    void aFailureWhileComputingTheKeyIsRecordedAsAFailedAttempt() {
        String run = newRun();
        AtomicInteger computed = new AtomicInteger();
        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> runner().run(new StageCall(
                        run,
                        PartKey.whole(Stage.PREPARE),
                        () -> {
                            throw new InvalidInputException("s3://no-such-bucket/train.json: no such bucket");
                        },
                        true,
                        writing("never", computed),
                        StageRunner.NOTHING_TO_RECORD)));

        assertTrue(failure.isNonRetryable());
        assertEquals(0, computed.get());
        StageAttempt attempt = attempts(run).get(0);
        assertEquals("FAILED", attempt.status().name());
        assertEquals(StageRunner.UNKNOWN_KEY, attempt.stageKey());
        assertTrue(attempt.errorMessage().contains("no-such-bucket"), attempt.errorMessage());
    }

    @Test
    void theRecorderWritesLineageRowsInTheTransactionThatClosesTheAttempt() {
        String run = newRun();
        List<Long> recordedFor = new ArrayList<>();
        StageResult result = runner().run(
                        StageCall.of(run, PartKey.whole(Stage.PREPARE), newKey(), writing("x", new AtomicInteger()))
                                .recording(outputs -> {
                                    assertTrue(outputs.containsKey("out"), "the recorder reads the uploaded outputs");
                                    return (connection, attemptId) -> {
                                        recordedFor.add(attemptId);
                                        return List.of();
                                    };
                                }));
        assertEquals(List.of(result.attemptId()), recordedFor);

        // a reusing run records its lineage again, for its own REUSED attempt
        StageResult reused = runner().run(StageCall.of(
                        newRun(),
                        PartKey.whole(Stage.PREPARE),
                        attempts.findAttempt(result.attemptId()).orElseThrow().stageKey(),
                        writing("x", new AtomicInteger()))
                .recording(outputs -> (connection, attemptId) -> {
                    recordedFor.add(attemptId);
                    return List.of();
                }));
        assertTrue(reused.reused());
        assertEquals(List.of(result.attemptId(), reused.attemptId()), recordedFor);
        assertNotEquals(result.attemptId(), reused.attemptId());
    }
}

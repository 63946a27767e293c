package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.StoredArtifact;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.db.Database;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.model.Stage;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.workflows.TaskQueues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gc} and {@code gc --verify} as a user types them, on a home with a finished tiny run whose training kept
 * several checkpoints: the superseded ones go, the run still shows and is reused afterwards.
 */
@Timeout(600)
class GcCommandTest {

    private static BagsflowWorker worker;
    private static Map<String, String> env;
    private static Database database;
    private static ArtifactStore store;
    private static Path spec;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        env = TestServices.environment();
        Endpoints endpoints = TestServices.get().endpoints();
        worker = BagsflowWorker.start(
                endpoints,
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "gc-test-worker");
        database = Database.open(
                endpoints.postgres().jdbcUrl(),
                endpoints.postgres().user(),
                endpoints.postgres().password());
        var s3 = endpoints.s3();
        store = ArtifactStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
        spec = dir.resolve("tiny-checkpoints.json");
        Files.writeString(
                spec,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 41}},"
                        + " \"detector\": {\"checkpointInterval\": 20}, \"generations\": [\"bags\"]}");
    }

    @AfterAll
    static void stop() {
        worker.close();
        database.close();
    }

    private static String finishedRun() {
        CommandOutput run = CommandOutput.run(env, "pipeline", "start", spec.toString(), "--wait");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        return run.lastLine();
    }

    @Test
    void gcFreesSupersededCheckpointsAndTheRunStillShowsAndIsReused() {
        String runId = finishedRun();
        StageAttempt training = new RunRepository(database)
                .runDetails(runId).orElseThrow().attempts().stream()
                        .filter(a -> a.stage() == Stage.TRAIN_BASE)
                        .findFirst()
                        .orElseThrow();
        StorageRepository storage = new StorageRepository(database);
        assertEquals(
                List.of(80, 60, 40, 20),
                storage.checkpointsOf(training.id()).stream()
                        .map(StorageRepository.CheckpointRecord::iteration)
                        .toList());
        String oldest =
                ArtifactStore.keyOf(storage.checkpointsOf(training.id()).get(3).sha256());

        CommandOutput dry = CommandOutput.run(env, "gc", "--dry-run", "--keep-checkpoints", "1");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("superseded checkpoints") && dry.out().contains(oldest), dry.out());
        assertTrue(dry.out().contains("would free"), dry.out());
        assertEquals(4, storage.checkpointsOf(training.id()).size(), "a dry run deletes nothing");

        CommandOutput gc = CommandOutput.run(env, "gc", "--keep-checkpoints", "1");
        assertEquals(0, gc.exitCode(), gc.err());
        assertTrue(gc.out().contains("freed"), gc.out());
        assertEquals(
                List.of(80),
                storage.checkpointsOf(training.id()).stream()
                        .map(StorageRepository.CheckpointRecord::iteration)
                        .toList());
        assertFalse(store.exists(oldest.substring(oldest.lastIndexOf('/') + 1)));

        CommandOutput show = CommandOutput.run(env, "runs", "show", runId);
        assertEquals(0, show.exitCode(), show.err());
        String again = finishedRun();
        CommandOutput showAgain = CommandOutput.run(env, "runs", "show", again, "--json");
        assertTrue(showAgain.out().contains("\"REUSED\""), showAgain.out());
        assertFalse(showAgain.out().contains("\"FAILED\""), showAgain.out());
    }

    @Test
    void gcDeletesOldTemporaryObjectsAndCacheEntriesNotUsedForAWhile() throws Exception {
        Path cached = TestServices.home().resolve("cache").resolve("files").resolve("f".repeat(64));
        Files.createDirectories(cached.getParent());
        Files.writeString(cached, "stale");
        Files.setLastModifiedTime(cached, FileTime.from(Instant.now().minus(Duration.ofDays(30))));

        CommandOutput gc = CommandOutput.run(env, "gc", "--cache-unused", "7d");
        assertEquals(0, gc.exitCode(), gc.err());
        assertTrue(gc.out().contains("cache entries not used recently"), gc.out());
        assertFalse(Files.exists(cached));
    }

    @Test
    void gcVerifyRemovesAndRecordsCorruptObjects() throws Exception {
        StoredArtifact a = store.put("bytes that will rot".getBytes(StandardCharsets.UTF_8), "text/plain");
        Path behind = new BagsflowHome(TestServices.home())
                .s3Data()
                .resolve(TestServices.get().endpoints().s3().bucket())
                .resolve(a.key());
        Files.writeString(behind, "bytes that did rot!");

        CommandOutput verify = CommandOutput.run(env, "gc", "--verify");
        assertEquals(1, verify.exitCode(), verify.out());
        assertTrue(verify.out().contains("corrupt " + a.key()), verify.out());
        assertFalse(store.exists(a.sha256()));
        assertTrue(new StorageRepository(database)
                .corruptObjects().stream()
                        .anyMatch(c -> c.expectedSha256().equals(a.sha256())
                                && c.detectedBy() == StorageRepository.Detection.VERIFY));

        CommandOutput clean = CommandOutput.run(env, "gc", "--verify");
        assertEquals(0, clean.exitCode(), clean.out());
        assertTrue(clean.out().contains("0 corrupt object(s)"), clean.out());
    }
}

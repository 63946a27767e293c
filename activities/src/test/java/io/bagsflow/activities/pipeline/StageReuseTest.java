package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.TestS3;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.Database;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.db.StorageRepository.Detection;
import io.bagsflow.db.TestPostgres;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which finished attempt a part may return instead of working, against the real PostgreSQL and S3 server: bytes
 * marked corrupt are not reused, and a retried activity finds its own reuse again. (Reuse across runs, lost bytes and
 * reuse turned off: {@link StageRunnerTest}.)
 */
class StageReuseTest {

    private final Database db = TestPostgres.freshDatabase();
    private final RunRepository runs = new RunRepository(db);
    private final AttemptRepository attempts = new AttemptRepository(db);
    private final StorageRepository storage = new StorageRepository(db);
    private final ArtifactStore store = TestS3.get().store("stage-reuse-test");
    private final StageReuse reuse =
            new StageReuse(attempts, new ArtifactRepository(db), storage, store, "reuse-worker", store.outages());

    @TempDir
    Path workRoot;

    @AfterEach
    void close() {
        db.close();
    }

    private StageRunner runner() {
        return new StageRunner(db, store, "reuse-worker", workRoot);
    }

    private String newRun() {
        String id = "run-" + UUID.randomUUID().toString().substring(0, 8);
        runs.createRun(id, id, "{}", "test", "test", null);
        return id;
    }

    private static StageCall trainBase(String run, String key, String content) {
        return StageCall.of(run, PartKey.base(), key, attempt -> {
            Path f = Files.writeString(attempt.workDir().resolve("out.txt"), content);
            return Map.of("out", attempt.upload(f, "text/plain"));
        });
    }

    private static KeyedCall keyed(StageCall call, String key) {
        return new KeyedCall(call, key, System.nanoTime());
    }

    @Test
    void anAttemptWhoseOutputIsMarkedCorruptIsPassedOverForTheNextIntactOne() {
        String key = "key-" + UUID.randomUUID();
        StageResult first = runner().run(trainBase(newRun(), key, "weights " + key));
        StageResult remade =
                runner().run(trainBase(newRun(), key, "weights again " + key).withReuse(false));
        String sha = first.outputs().get("out").sha256();
        // a download elsewhere found the stored bytes differ from their hash: making them again would help no one
        storage.markCorrupt(ArtifactStore.keyOf(sha), sha, "0".repeat(64), Detection.DOWNLOAD);

        String later = newRun();
        StageResult reused = reuse.fromAnotherRun(keyed(trainBase(later, key, "never written"), key))
                .orElseThrow();

        assertTrue(reused.reused());
        assertEquals(remade.outputs(), reused.outputs());
        assertEquals(
                remade.attemptId(),
                attempts.findAttempt(reused.attemptId()).orElseThrow().reusedAttemptId());
        assertEquals(
                later, attempts.findAttempt(reused.attemptId()).orElseThrow().runId());
    }

    @Test
    void aRetriedActivityWhosePartReusedAnotherRunsAttemptReturnsThatReuseAgain() {
        // Temporal runs the activity again when its completion did not reach the server
        String key = "key-" + UUID.randomUUID();
        StageResult first = runner().run(trainBase(newRun(), key, "weights " + key));
        String run = newRun();
        StageResult reused = runner().run(trainBase(run, key, "never written"));

        StageResult again = reuse.ownEarlierSuccess(keyed(trainBase(run, key, "never written"), key))
                .orElseThrow();

        assertTrue(again.reused(), "still another run's work, as the first try said");
        assertEquals(reused.attemptId(), again.attemptId());
        assertEquals(first.outputs(), again.outputs());
        assertEquals(1, runs.runDetails(run).orElseThrow().attempts().size(), "no second attempt row");
    }
}

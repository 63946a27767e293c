package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.TestS3;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.Database;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.StageClaimRepository;
import io.bagsflow.db.TestPostgres;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs need the same stage key at the same time (two cells of an experiment): the second waits for the first
 * attempt instead of starting its own, then reuses it; if the first fails, the second does the work. Against the
 * real PostgreSQL and S3 server.
 */
@Timeout(120)
class StageClaimsTest {

    private final Database db = TestPostgres.freshDatabase();
    private final RunRepository runs = new RunRepository(db);
    private final AttemptRepository attempts = new AttemptRepository(db);
    private final ArtifactStore store = TestS3.get().store("stage-claims-test");
    private final StageClaims claims =
            new StageClaims(new StageClaimRepository(db), Duration.ofSeconds(30), Duration.ofMillis(100));
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void close() {
        threads.shutdownNow();
        claims.close();
        db.close();
    }

    private String newRun() {
        String id = "run-claims-" + UUID.randomUUID().toString().substring(0, 8);
        runs.createRun(id, id, "{}", "test", "test", null);
        return id;
    }

    /**
     * Returns once {@code holder} was refused its key and waits for the holder to finish: a condition, not a guess at
     * how long that takes.
     */
    private void awaitWaiting(String holder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!claims.waitingHolders().contains(holder)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + holder + " waits for its stage key; waiting: "
                        + claims.waitingHolders() + ", held: " + claims.heldKeys());
            }
            Thread.sleep(10); // poll: StageClaims offers no signal of its own, and production needs none
        }
    }

    @Test
    void theSecondRunWaitsForTheFirstAttemptAndReusesIt(@TempDir Path work) throws Exception {
        String key = "claims-test-" + UUID.randomUUID();
        StageRunner runner = new StageRunner(db, store, "claims-worker", work, claims);
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StageRunner.Work slowWork = attempt -> {
            computed.incrementAndGet();
            firstStarted.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            Path f = Files.writeString(attempt.workDir().resolve("out.txt"), "the shared result " + key);
            return Map.of("out", attempt.upload(f, "text/plain"));
        };
        String runA = newRun();
        String runB = newRun();
        Future<StageResult> a = threads.submit(() -> runner.run(StageCall.of(runA, PartKey.base(), key, slowWork)));
        assertTrue(firstStarted.await(30, TimeUnit.SECONDS));
        Future<StageResult> b = threads.submit(() -> runner.run(StageCall.of(runB, PartKey.base(), key, slowWork)));
        // B is in flight while A computes: once refused the claim it waits, without an attempt of its own
        awaitWaiting(StageClaims.holder(runB, Stage.TRAIN_BASE.name(), "base"));
        assertFalse(b.isDone());
        assertEquals(List.of(), attempts.findCompletedAttempts(runB, Stage.TRAIN_BASE));
        release.countDown();

        StageResult first = a.get(30, TimeUnit.SECONDS);
        StageResult second = b.get(30, TimeUnit.SECONDS);
        assertEquals(1, computed.get(), "the work ran once");
        assertFalse(first.reused());
        assertTrue(second.reused());
        ArtifactRef out = first.outputs().get("out");
        assertEquals(out, second.outputs().get("out"));
        StageAttempt reused = attempts.findAttempt(second.attemptId()).orElseThrow();
        assertEquals("REUSED", reused.status().name());
        assertEquals(first.attemptId(), reused.reusedAttemptId());
        assertTrue(new StageClaimRepository(db).find(key).isEmpty(), "the claim is gone once the work is done");
    }

    @Test
    void whenTheHolderFailsTheWaiterDoesTheWork(@TempDir Path work) throws Exception {
        String key = "claims-test-" + UUID.randomUUID();
        StageRunner runner = new StageRunner(db, store, "claims-worker", work, claims);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StageRunner.Work failing = attempt -> {
            firstStarted.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            throw new IllegalStateException("the GPU fell off");
        };
        StageRunner.Work good = attempt -> {
            Path f = Files.writeString(attempt.workDir().resolve("out.txt"), "done by the waiter " + key);
            return Map.of("out", attempt.upload(f, "text/plain"));
        };
        String runA = newRun();
        String runB = newRun();
        Future<StageResult> a =
                threads.submit(() -> runner.run(StageCall.of(runA, PartKey.whole(Stage.PREPARE), key, failing)));
        assertTrue(firstStarted.await(30, TimeUnit.SECONDS));
        Future<StageResult> b =
                threads.submit(() -> runner.run(StageCall.of(runB, PartKey.whole(Stage.PREPARE), key, good)));
        awaitWaiting(StageClaims.holder(runB, Stage.PREPARE.name(), ""));
        assertFalse(b.isDone());
        assertEquals(List.of(), attempts.findCompletedAttempts(runB, Stage.PREPARE));
        release.countDown();

        assertThrows(Exception.class, () -> a.get(30, TimeUnit.SECONDS));
        StageResult second = b.get(30, TimeUnit.SECONDS);
        assertFalse(second.reused(), "nothing finished to reuse: the waiter computed it");
        assertEquals(
                "SUCCEEDED",
                attempts.findAttempt(second.attemptId()).orElseThrow().status().name());
    }

    @Test
    void anAttemptWhoseClaimCannotBeAttachedIsClosedNotLeftRunning(@TempDir Path work) throws Exception {
        // the database refuses to note the attempt on the claim (as an outage at that moment would)
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION refuse_attach() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN RAISE EXCEPTION 'attach refused by the test'; END $$");
            s.execute("CREATE TRIGGER refuse_attach BEFORE UPDATE ON stage_claim FOR EACH ROW "
                    + "WHEN (NEW.attempt_id IS NOT NULL) EXECUTE FUNCTION refuse_attach()");
        }
        String run = newRun();
        StageRunner runner = new StageRunner(db, store, "claims-worker", work, claims);
        AtomicInteger computed = new AtomicInteger();

        assertThrows(
                RuntimeException.class,
                () -> runner.run(
                        StageCall.of(run, PartKey.whole(Stage.TRAIN_BASE), "key-" + UUID.randomUUID(), attempt -> {
                            computed.incrementAndGet();
                            return Map.of();
                        })));

        List<StageAttempt> recorded = runs.runDetails(run).orElseThrow().attempts();
        assertEquals(0, computed.get());
        assertEquals(1, recorded.size(), recorded.toString());
        assertEquals("FAILED", recorded.get(0).status().name());
        assertTrue(
                recorded.get(0).errorMessage().contains("attach refused"),
                recorded.get(0).errorMessage());
        assertEquals(List.of(), claims.heldKeys(), "the claim was given up");
    }
}

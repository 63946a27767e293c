package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.db.StageClaimRepository.Claim;
import io.bagsflow.model.Stage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claim's holder name is a run's stage part, the same on every worker. When a worker is cut off from the network,
 * another worker retries the part, takes the claim under the same name and attaches its own attempt; the cut worker,
 * healed, still releases and heartbeats "its" claim. Those late calls must leave the new attempt's claim alone
 * (found by the namespace partition test in cli).
 */
class StageClaimTakeoverTest {

    private static final String HOLDER = "run-1/TRAIN_BASE/";
    private static final Duration STALE = Duration.ofMinutes(5);

    private Database db;
    private StageClaimRepository claims;
    private AttemptRepository attempts;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        new RunRepository(db).createRun("run-1", "wf-1", "{}", "0.1.0", "synth:tiny:7", null);
        claims = new StageClaimRepository(db);
        attempts = new AttemptRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aLateReleaseByTheCutWorkerLeavesTheClaimItsSuccessorTookOver() {
        assertTrue(claims.tryClaim("key", HOLDER, STALE));
        long cut = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "", "key", "remote-a@host")
                .id();
        claims.attach("key", HOLDER, cut);

        // the retry on the other worker: same holder name, so it takes the claim at once, then attaches its attempt
        assertTrue(claims.tryClaim("key", HOLDER, STALE));
        long successor = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "", "key", "remote-b@host")
                .id();
        claims.attach("key", HOLDER, successor);

        // the healed worker heartbeats and releases the claim as it left it
        claims.heartbeat(List.of(new Claim("key", HOLDER, cut)));
        claims.release(new Claim("key", HOLDER, cut));
        assertEquals(successor, claims.find("key").orElseThrow().attemptId(), "the successor keeps its claim");

        claims.release(new Claim("key", HOLDER, successor));
        assertTrue(claims.find("key").isEmpty(), "the successor's own release frees the key");
    }

    @Test
    void aClaimWithNoAttemptYetIsReleasedByItsHolder() {
        assertTrue(claims.tryClaim("key", HOLDER, STALE));
        claims.release(new Claim("key", HOLDER, null));
        assertTrue(claims.find("key").isEmpty());
    }
}

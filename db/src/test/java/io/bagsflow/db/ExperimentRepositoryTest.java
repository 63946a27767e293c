package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExperimentRepositoryTest {

    private Database db;
    private ExperimentRepository experiments;
    private RunRepository runs;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        experiments = new ExperimentRepository(db);
        runs = new RunRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void cellsArePendingUntilTheirRunExistsThenCarryItsStatus() {
        experiments.create(
                "exp-1",
                "{\"seeds\": [31, 32]}",
                "test",
                List.of(
                        new ExperimentRepository.PlannedCell(0, "{\"finetune.othersSampleRatio\": 0}", 31L, "exp-1-1"),
                        new ExperimentRepository.PlannedCell(
                                1, "{\"finetune.othersSampleRatio\": 0}", 32L, "exp-1-2")));
        runs.createRun("exp-1-1", "exp-1-1", "{}", "test", "synth:tiny:31", null);
        runs.updateRunStatus("exp-1-1", RunStatus.SUCCEEDED);

        List<ExperimentCellRecord> cells = experiments.cells("exp-1");
        assertEquals(
                List.of("SUCCEEDED", "PENDING"),
                cells.stream().map(c -> c.runStatus().name()).toList());
        assertEquals(32L, cells.get(1).seed());
        assertEquals("exp-1", experiments.experimentOfRun("exp-1-2").orElseThrow());

        experiments.updateStatus("exp-1", ExperimentStatus.FAILED);
        ExperimentRecord e = experiments.find("exp-1").orElseThrow();
        assertEquals("FAILED", e.status().name());
        assertNotNull(e.endedAt());
        assertEquals(
                List.of("exp-1"),
                experiments.list(10).stream().map(ExperimentRecord::id).toList());
    }

    @Test
    void aStageKeyHasOneHolderUntilReleasedOrStale() {
        // heartbeats and staleness by a clock the test moves on, not by waiting for real time to pass
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        StageClaimRepository claims = new StageClaimRepository(db, clock);
        Duration stale = Duration.ofSeconds(2);
        assertTrue(claims.tryClaim("key-a", "run-1/TRAIN_BASE/base", stale));
        assertFalse(claims.tryClaim("key-a", "run-2/TRAIN_BASE/base", stale), "held and alive");
        assertTrue(claims.tryClaim("key-a", "run-1/TRAIN_BASE/base", stale), "a retry of the holder keeps it");
        assertTrue(claims.tryClaim("key-b", "run-2/TRAIN_BASE/base", stale), "other keys are free");

        // a release by someone who does not hold it changes nothing
        claims.release("key-a", "run-2/TRAIN_BASE/base");
        assertEquals("run-1/TRAIN_BASE/base", claims.find("key-a").orElseThrow().holder());
        claims.release("key-a", "run-1/TRAIN_BASE/base");
        assertTrue(claims.tryClaim("key-a", "run-2/TRAIN_BASE/base", stale), "free after the release");

        // run-2 stops beating on key-a (its worker died); once stale, run-3 takes it over
        clock.advance(Duration.ofMillis(1999));
        assertFalse(claims.tryClaim("key-a", "run-3/TRAIN_BASE/base", stale), "not stale yet");
        clock.advance(Duration.ofMillis(501));
        claims.heartbeat(List.of(new StageClaimRepository.Claim("key-b", "run-2/TRAIN_BASE/base", null)));
        assertTrue(claims.tryClaim("key-a", "run-3/TRAIN_BASE/base", stale));
        assertFalse(claims.tryClaim("key-b", "run-3/TRAIN_BASE/base", stale), "key-b's heartbeat is fresh");
        assertEquals("run-3/TRAIN_BASE/base", claims.find("key-a").orElseThrow().holder());
    }
}

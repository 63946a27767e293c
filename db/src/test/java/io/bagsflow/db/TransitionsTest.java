package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.CellStatus;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every status write is a compare-and-set on {@link Transitions}: each test makes two writers race by doing the
 * late writer's step after the early one's, as it happens when the late writer read the record before.
 */
class TransitionsTest {

    private Database db;
    private RunRepository runs;
    private RunStateRepository state;
    private AttemptRepository attempts;
    private ExperimentRepository experiments;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        runs = new RunRepository(db);
        state = new RunStateRepository(db);
        attempts = new AttemptRepository(db);
        experiments = new ExperimentRepository(db);
        runs.createRun("run-1", "run-1", "{}", "0.1.0", "synth:tiny:7", null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void endedStatusesHaveNoWayOutAndTheOnlyWayBackToRunningIsTheRetryOfAWaitingRun() {
        for (RunStatus s : RunStatus.values()) {
            assertEquals(s.ended(), Transitions.RUN.terminal(s), s.name());
        }
        assertEquals(
                Set.of(RunStatus.RUNNING, RunStatus.WAITING_FOR_RETRY), Transitions.RUN.sourcesOf(RunStatus.RUNNING));
        assertTrue(Transitions.ATTEMPT.terminal(AttemptStatus.SUCCEEDED));
        assertTrue(Transitions.ATTEMPT.terminal(AttemptStatus.FAILED));
        assertTrue(Transitions.ATTEMPT.terminal(AttemptStatus.REUSED));
        assertTrue(Transitions.EXPERIMENT.terminal(ExperimentStatus.ABORTED));
        assertTrue(Transitions.CELL.terminal(CellStatus.ABORTED));
        assertTrue(Transitions.CELL.allows(CellStatus.WAITING_FOR_RETRY, CellStatus.RUNNING));
        assertFalse(Transitions.CELL.allows(CellStatus.SUCCEEDED, CellStatus.RUNNING));
    }

    @Test
    void theWorkflowsFinalStatusDoesNotOverwriteAnAbortRecordedBeforeIt() {
        assertTrue(state.endRun("run-1", RunStatus.ABORTED, "not needed any more"));

        Transitions.IllegalTransition refused = assertThrows(
                Transitions.IllegalTransition.class, () -> runs.updateRunStatus("run-1", RunStatus.SUCCEEDED));

        assertEquals("ABORTED", refused.found());
        assertTrue(refused.getMessage().contains("run run-1 is ABORTED"), refused.getMessage());
        assertEquals(RunStatus.ABORTED, runs.findRun("run-1").orElseThrow().status());
        assertEquals("not needed any more", state.error("run-1").orElseThrow());
    }

    @Test
    void aRetriedStatusWriteWhoseFirstTryLandedChangesNothing() {
        assertTrue(runs.updateRunStatus("run-1", RunStatus.WAITING_FOR_RETRY));
        assertFalse(runs.updateRunStatus("run-1", RunStatus.WAITING_FOR_RETRY));
        assertTrue(runs.updateRunStatus("run-1", RunStatus.RUNNING));
        assertTrue(runs.updateRunStatus("run-1", RunStatus.SUCCEEDED));
        assertFalse(runs.updateRunStatus("run-1", RunStatus.SUCCEEDED));
    }

    @Test
    void reopeningALostRunThatWasAbortedMeanwhileLeavesItAbortedAndSaysSo() {
        // the reconciler read the run as open, then an abort of the lost run ended it
        state.endRunAndAttempts("run-1", RunStatus.ABORTED, "stop", "Aborted", "aborted: stop");

        Optional<RunStatus> found = state.reopenRun("run-1");

        assertEquals(Optional.of(RunStatus.ABORTED), found);
        assertEquals(RunStatus.ABORTED, runs.findRun("run-1").orElseThrow().status());
        assertNotNull(runs.findRun("run-1").orElseThrow().endedAt());
    }

    @Test
    void aWaitingRunIsReopenedWhenItsLostWorkflowIsStartedAgain() {
        runs.updateRunStatus("run-1", RunStatus.WAITING_FOR_RETRY);

        assertEquals(Optional.empty(), state.reopenRun("run-1"));
        assertEquals(RunStatus.RUNNING, runs.findRun("run-1").orElseThrow().status());
    }

    @Test
    void anAttemptClosedAsLostCannotSucceedAfterwardsAndItsOutputsAreNotRegistered() {
        StageAttempt a = attempts.startAttempt("run-1", Stage.TRAIN_BASE, "", "key", "worker-a");
        assertTrue(attempts.failAttempt(a.id(), "WorkerLost", "worker lost"));
        ArtifactRecord ckpt =
                new ArtifactRecord("b".repeat(64), 12, "application/zip", "sha256/bb/" + "b".repeat(64), a.id());

        Transitions.IllegalTransition refused = assertThrows(
                Transitions.IllegalTransition.class, () -> attempts.succeedAttempt(a.id(), Map.of("checkpoint", ckpt)));

        assertEquals("FAILED", refused.found());
        assertEquals(Map.of(), attempts.findAttempt(a.id()).orElseThrow().outputs());
        assertTrue(new ArtifactRepository(db).find("b".repeat(64)).isEmpty());
    }

    @Test
    void noAttemptStartsInARunThatHasEnded() {
        state.endRun("run-1", RunStatus.ABORTED, "stop");

        Transitions.IllegalTransition refused = assertThrows(
                Transitions.IllegalTransition.class,
                () -> attempts.startAttempt("run-1", Stage.PREPARE, "", "key", "late-worker"));

        assertEquals("ABORTED", refused.found());
        assertEquals(List.of(), runs.runDetails("run-1").orElseThrow().attempts());
    }

    @Test
    void endingARunClosesItsRunningAttemptsInTheSameTransaction() {
        StageAttempt a = attempts.startAttempt("run-1", Stage.PREPARE, "", "key", "worker-a");

        assertTrue(state.endRunAndAttempts("run-1", RunStatus.ABORTED, "stop", "Aborted", "aborted: stop"));
        assertFalse(state.endRunAndAttempts("run-1", RunStatus.FAILED, "late", "RunEnded", "late"));

        assertEquals(
                AttemptStatus.FAILED, attempts.findAttempt(a.id()).orElseThrow().status());
        assertEquals("aborted: stop", attempts.findAttempt(a.id()).orElseThrow().errorMessage());
        assertEquals(RunStatus.ABORTED, runs.findRun("run-1").orElseThrow().status());
    }

    @Test
    void anExperimentThatEndedKeepsItsEnd() {
        experiments.create("exp-1", "{}", "0.1.0", List.of());
        assertTrue(experiments.updateStatus("exp-1", ExperimentStatus.ABORTED));

        Transitions.IllegalTransition refused = assertThrows(
                Transitions.IllegalTransition.class, () -> experiments.updateStatus("exp-1", ExperimentStatus.FAILED));

        assertEquals("ABORTED", refused.found());
        assertFalse(experiments.updateStatus("exp-1", ExperimentStatus.ABORTED));
        assertEquals(
                ExperimentStatus.ABORTED,
                experiments.find("exp-1").orElseThrow().status());
    }
}

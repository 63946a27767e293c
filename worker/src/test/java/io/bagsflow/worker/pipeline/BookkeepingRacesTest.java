package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.Interleaving;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.pipeline.RunReconciler.Action;
import io.bagsflow.worker.pipeline.RunReconciler.Outcome;
import io.bagsflow.workflows.pipeline.PipelineWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The races between the launcher, the reconciler and the workflow's own bookkeeping, each reproduced by doing the
 * other party's step at the {@link Interleaving} point where it can fall (no sleeps). No worker polls here, so a
 * started workflow stays RUNNING at its first task and only the test moves the records.
 */
@Timeout(120)
class BookkeepingRacesTest {

    private static final PipelineSpec TINY = PipelineSpecs.parse(
            "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 5}}, \"generations\": [\"bags\"]}");

    private final PipelineHarness harness = new PipelineHarness();
    private final RunStateRepository state = new RunStateRepository(harness.database);
    private final ExperimentRepository experiments = new ExperimentRepository(harness.database);
    private final List<String> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (String runId : started) {
            if (workflowRunning(runId)) {
                WorkflowStub.fromTyped(harness.temporal.client().newWorkflowStub(PipelineWorkflow.class, runId))
                        .terminate("test over");
            }
            state.endRun(runId, RunStatus.ABORTED, "test over");
        }
        harness.close();
    }

    @Test
    void anAbortOfALostRunBetweenTheReconcilersCheckAndItsRestartIsNotUndone() {
        String runId = lostRun();
        RunReconciler reconciler = reconciler(harness.launcher, (point, id) -> {
            if (point.equals(RunReconciler.BEFORE_RESTART)) {
                // `bagsflow abort` of the same run: its workflow is gone, so it marks the run ABORTED itself
                assertTrue(harness.launcher.abort(id, "not needed any more"));
            }
        });

        List<Outcome> outcomes = reconciler.reconcile(List.of(runId));

        assertFalse(outcomes.stream().anyMatch(o -> o.action() == Action.RESTARTED), outcomes.toString());
        assertEquals(
                RunStatus.ABORTED, harness.runs.findRun(runId).orElseThrow().status());
        assertEquals("not needed any more", state.error(runId).orElseThrow());
        assertFalse(workflowRunning(runId), "no workflow runs for an aborted run");
    }

    @Test
    void aRunEndedWhileItsLostWorkflowWasStartedAgainStaysEndedAndTheWorkflowIsStopped() {
        String runId = lostRun();
        PipelineLauncher launcher = launcher((point, id) -> {
            if (point.equals(PipelineLauncher.RESTART_AFTER_START)) {
                // an abort that found the workflow gone a moment before the restart started it
                state.endRunAndAttempts(id, RunStatus.ABORTED, "not needed any more", "Aborted", "aborted");
            }
        });

        assertFalse(launcher.restart(runId), "the restart lost the race to the abort");

        assertEquals(
                RunStatus.ABORTED, harness.runs.findRun(runId).orElseThrow().status());
        assertFalse(workflowRunning(runId), "the workflow it started was stopped");
    }

    @Test
    void aStartThatFailsAfterTheWorkflowStartedLeavesTheRunRunning() {
        PipelineLauncher launcher = launcher((point, id) -> {
            if (point.equals(PipelineLauncher.AFTER_START)) {
                started.add(id);
                // the start request reached Temporal, its answer did not reach us
                throw new StatusRuntimeException(Status.DEADLINE_EXCEEDED.withDescription("start timed out"));
            }
        });

        String runId = launcher.start(TINY, null, null);

        assertEquals(
                RunStatus.RUNNING, harness.runs.findRun(runId).orElseThrow().status());
        assertTrue(workflowRunning(runId));
    }

    @Test
    void anAttemptOpenedAfterTheReconcilersSnapshotOfTemporalIsNotClosedAsLost() {
        String runId = harness.launcher.start(TINY, null, null);
        started.add(runId);
        List<StageAttempt> opened = new ArrayList<>();
        RunReconciler reconciler = reconciler(harness.launcher, (point, id) -> {
            if (point.equals(RunReconciler.AFTER_DESCRIBE)) {
                // a worker picked up the activity after Temporal listed the pending ones, and opened its attempt
                opened.add(harness.attempts.startAttempt(id, Stage.PREPARE, "", "key", "1@another-host"));
            }
        });

        List<Outcome> outcomes = reconciler.reconcile(List.of(runId));

        assertEquals(List.of(), outcomes);
        assertEquals(
                "RUNNING",
                harness.attempts
                        .findAttempt(opened.get(0).id())
                        .orElseThrow()
                        .status()
                        .name());
    }

    @Test
    void aRetryWhoseSignalIsNotDeliveredLeavesTheStoredSpecAsItWas() {
        String runId = harness.launcher.start(TINY, null, null);
        started.add(runId);
        harness.runs.updateRunStatus(runId, RunStatus.WAITING_FOR_RETRY);
        String before = harness.runs.findRun(runId).orElseThrow().specJson();
        PipelineLauncher launcher = launcher((point, id) -> {
            if (point.equals(PipelineLauncher.BEFORE_RETRY_SIGNAL)) {
                // the workflow ends (terminated from outside) between the retry's checks and its signal
                WorkflowStub.fromTyped(harness.temporal.client().newWorkflowStub(PipelineWorkflow.class, id))
                        .terminate("operator");
            }
        });

        assertThrows(RuntimeException.class, () -> launcher.retry(runId, Map.of("detector.seed", "9")));

        assertEquals(before, harness.runs.findRun(runId).orElseThrow().specJson());
    }

    /** A run that PostgreSQL knows and Temporal does not (lost with an in-memory server). */
    private String lostRun() {
        String runId = RunIds.next();
        harness.runs.createRun(
                runId, runId, PipelineSpecs.toJson(TINY.withDefaults()), CodeVersion.get(), "tiny", null);
        started.add(runId);
        return runId;
    }

    private PipelineLauncher launcher(Interleaving interleaving) {
        return new PipelineLauncher(harness.temporal.client(), harness.runs, interleaving);
    }

    private RunReconciler reconciler(PipelineLauncher launcher, Interleaving interleaving) {
        return new RunReconciler(
                harness.temporal.client(),
                launcher,
                harness.runs,
                state,
                harness.attempts,
                experiments,
                Duration.ZERO,
                interleaving);
    }

    private boolean workflowRunning(String runId) {
        return harness.launcher
                .describe(runId)
                .map(d -> d.getWorkflowExecutionInfo().getStatus()
                        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
                .orElse(false);
    }
}

package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.worker.WorkerIdentity;
import io.bagsflow.worker.pipeline.RunReconciler.Action;
import io.bagsflow.worker.pipeline.RunReconciler.Outcome;
import io.bagsflow.workflows.pipeline.RunStatus;
import io.bagsflow.workflows.spec.PipelineSpec;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the reconciler does with runs whose records disagree with Temporal. No worker polls here, so a started
 * workflow stays RUNNING at its first task and nothing else moves the records under the test.
 */
@Timeout(120)
class RunReconcilerTest {

    private static final PipelineSpec TINY = PipelineSpecs.parse(
            "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 5}}, \"generations\": [\"bags\"]}");

    private final PipelineHarness harness = new PipelineHarness();
    private final RunStateRepository state = new RunStateRepository(harness.database);
    private final RunReconciler reconciler =
            new RunReconciler(harness.temporal.client(), harness.launcher, state, harness.attempts);
    private final List<String> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (String runId : started) {
            harness.launcher.describe(runId).ifPresent(d -> {
                if (d.getWorkflowExecutionInfo().getStatus()
                        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
                    WorkflowStub.fromTyped(harness.temporal
                                    .client()
                                    .newWorkflowStub(io.bagsflow.workflows.pipeline.PipelineWorkflow.class, runId))
                            .terminate("test over");
                }
            });
            state.endRun(runId, RunStatus.ABORTED, "test over");
        }
        harness.close();
    }

    @Test
    void aRunThatTemporalDoesNotKnowIsStartedAgainUnderTheSameId() {
        String runId = RunIds.next();
        harness.runs.createRun(
                runId, runId, PipelineSpecs.toJson(TINY.withDefaults()), CodeVersion.get(), "tiny", null);
        started.add(runId);
        StageAttempt lost = harness.attempts.startAttempt(runId, "PREPARE", "", "key", "4242@gone-host");

        List<Outcome> outcomes = reconciler.reconcile(List.of(runId));

        assertEquals(
                List.of(Action.ATTEMPT_CLOSED, Action.RESTARTED),
                outcomes.stream().map(Outcome::action).toList());
        assertTrue(harness.launcher.describe(runId).isPresent());
        StageAttempt closed = harness.attempts.findAttempt(lost.id()).orElseThrow();
        assertEquals("FAILED", closed.status().name());
        assertTrue(closed.errorMessage().startsWith("worker lost when up stopped"), closed.errorMessage());
        assertEquals(
                "RUNNING", harness.runs.findRun(runId).orElseThrow().status().name());
        // a second pass finds nothing to do
        assertEquals(List.of(), reconciler.reconcile(List.of(runId)));
    }

    @Test
    void aRunWhoseWorkflowWasTerminatedFromOutsideEndsFailedWithTheReason() {
        String runId = harness.launcher.start(TINY, null, null);
        started.add(runId);
        WorkflowStub.fromTyped(harness.temporal
                        .client()
                        .newWorkflowStub(io.bagsflow.workflows.pipeline.PipelineWorkflow.class, runId))
                .terminate("operator in the Temporal UI");

        List<Outcome> outcomes = reconciler.reconcile(List.of(runId));

        assertEquals(
                List.of(Action.ENDED), outcomes.stream().map(Outcome::action).toList());
        assertEquals(
                "FAILED", harness.runs.findRun(runId).orElseThrow().status().name());
        assertTrue(
                state.error(runId).orElseThrow().contains("terminated"),
                state.error(runId).toString());
    }

    @Test
    void anAttemptOfAWorkerProcessThatIsGoneIsClosed() {
        String runId = harness.launcher.start(TINY, null, null);
        started.add(runId);
        String host =
                WorkerIdentity.current().substring(WorkerIdentity.current().indexOf('@') + 1);
        StageAttempt orphan = harness.attempts.startAttempt(runId, "PREPARE", "", "key", deadPid() + "@" + host);

        List<Outcome> outcomes = reconciler.reconcile(List.of(runId));

        assertEquals(
                List.of(Action.ATTEMPT_CLOSED),
                outcomes.stream().map(Outcome::action).toList());
        StageAttempt closed = harness.attempts.findAttempt(orphan.id()).orElseThrow();
        assertEquals("FAILED", closed.status().name());
        assertTrue(closed.errorMessage().endsWith("is no longer running"), closed.errorMessage());
    }

    @Test
    void abortingARunWhoseWorkflowIsGoneMarksItAborted() {
        String runId = RunIds.next();
        harness.runs.createRun(
                runId, runId, PipelineSpecs.toJson(TINY.withDefaults()), CodeVersion.get(), "tiny", null);
        started.add(runId);

        assertTrue(harness.launcher.abort(runId, "not needed any more"));

        assertEquals(
                "ABORTED", harness.runs.findRun(runId).orElseThrow().status().name());
        assertEquals("not needed any more", state.error(runId).orElseThrow());
        assertFalse(harness.launcher.describe(runId).isPresent());
    }

    @Test
    void retryingAWaitingRunWhoseWorkflowIsGoneStartsItAgainWithTheOverrides() {
        String runId = RunIds.next();
        harness.runs.createRun(
                runId, runId, PipelineSpecs.toJson(TINY.withDefaults()), CodeVersion.get(), "tiny", null);
        harness.runs.updateRunStatus(runId, RunStatus.WAITING_FOR_RETRY);
        started.add(runId);

        harness.launcher.retry(runId, Map.of("detector.seed", "9"));

        assertTrue(harness.launcher.describe(runId).isPresent());
        assertEquals(
                "RUNNING", harness.runs.findRun(runId).orElseThrow().status().name());
        assertTrue(
                harness.runs.findRun(runId).orElseThrow().specJson().contains("\"seed\": 9"),
                harness.runs.findRun(runId).orElseThrow().specJson());
    }

    /** A pid that no process of this machine has now. */
    private static long deadPid() {
        long pid = 4_000_000;
        while (ProcessHandle.of(pid).isPresent()) {
            pid++;
        }
        return pid;
    }
}

package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.experiment.ExperimentSpecs;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.experiment.ExperimentRequest;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.WorkerIdentity;
import io.bagsflow.worker.pipeline.RunReconciler.Action;
import io.bagsflow.worker.pipeline.RunReconciler.Outcome;
import io.bagsflow.workflows.experiment.ExperimentWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
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
    private final ExperimentRepository experiments = new ExperimentRepository(harness.database);
    /** Without the start grace: these tests make a run "lost" by creating its row without a workflow. */
    private final RunReconciler reconciler = new RunReconciler(
            harness.temporal.client(),
            harness.launcher,
            harness.runs,
            state,
            harness.attempts,
            experiments,
            Duration.ZERO,
            io.bagsflow.db.Interleaving.NONE);

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
        StageAttempt lost = harness.attempts.startAttempt(runId, Stage.PREPARE, "", "key", "4242@gone-host");

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
    void aRunOpenedAMomentAgoIsLeftToWhoeverIsStartingIt() {
        RunReconciler withGrace = new RunReconciler(
                harness.temporal.client(), harness.launcher, harness.runs, state, harness.attempts, experiments);
        String runId = RunIds.next();
        harness.runs.createRun(
                runId, runId, PipelineSpecs.toJson(TINY.withDefaults()), CodeVersion.get(), "tiny", null);
        started.add(runId);

        assertEquals(List.of(), withGrace.reconcile(List.of(runId)), "the CLI or an experiment starts it next");
        assertFalse(harness.launcher.describe(runId).isPresent());
    }

    @Test
    void aCellOfARunningExperimentIsLeftToTheExperimentUntilTheExperimentIsGone() {
        // the experiment's workflow: no worker polls here, so it stays RUNNING at its first task
        String experimentId = "exp-" + RunIds.next();
        String cellRun = experimentId + "-1";
        experiments.create(
                experimentId,
                "{}",
                CodeVersion.get(),
                List.of(new ExperimentRepository.PlannedCell(0, "{}", 5L, cellRun)));
        WorkflowClient.start(
                harness.temporal
                        .client()
                        .newWorkflowStub(
                                ExperimentWorkflow.class,
                                WorkflowOptions.newBuilder()
                                        .setWorkflowId(experimentId)
                                        .setTaskQueue("nobody-polls")
                                        .build())::run,
                new ExperimentRequest(
                        experimentId,
                        ExperimentSpecs.parse(
                                "{\"base\": {\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}, \"seeds\": [5]}")));
        harness.runs.createRun(
                cellRun, cellRun, PipelineSpecs.toJson(TINY.withDefaults()), CodeVersion.get(), "tiny", null);
        started.add(cellRun);

        assertEquals(List.of(), reconciler.reconcile(List.of(cellRun)), "the experiment starts its cells");
        assertFalse(harness.launcher.describe(cellRun).isPresent());

        // an experiment that Temporal lost (the in-memory fallback) no longer starts it: the cell runs on its own
        WorkflowStub.fromTyped(harness.temporal.client().newWorkflowStub(ExperimentWorkflow.class, experimentId))
                .terminate("lost");
        assertEquals(
                List.of(Action.RESTARTED),
                reconciler.reconcile(List.of(cellRun)).stream()
                        .map(Outcome::action)
                        .toList());

        // and the experiment's record no longer says RUNNING about a workflow that ended without recording it
        assertEquals(
                List.of(Action.EXPERIMENT_ENDED),
                reconciler.reconcileExperiments().stream()
                        .filter(o -> o.runId().equals(experimentId))
                        .map(Outcome::action)
                        .toList());
        assertEquals(
                ExperimentStatus.FAILED,
                experiments.find(experimentId).orElseThrow().status());
        assertEquals(
                List.of(),
                reconciler.reconcileExperiments().stream()
                        .filter(o -> o.runId().equals(experimentId))
                        .toList(),
                "a second pass finds nothing to do");
    }

    @Test
    void anExperimentWhoseWorkflowTemporalNoLongerKnowsEndsFailed() {
        // the in-memory fallback lost it when up restarted: nothing will ever record its end
        String experimentId = "exp-" + RunIds.next();
        experiments.create(experimentId, "{}", CodeVersion.get(), List.of());

        List<Outcome> outcomes = reconciler.reconcileExperiments().stream()
                .filter(o -> o.runId().equals(experimentId))
                .toList();

        assertEquals(
                List.of(Action.EXPERIMENT_ENDED),
                outcomes.stream().map(Outcome::action).toList());
        assertEquals(
                ExperimentStatus.FAILED,
                experiments.find(experimentId).orElseThrow().status());
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
        // this process's identity with a pid that no process has: a worker of this machine and boot that is gone
        String self = WorkerIdentity.current();
        StageAttempt orphan = harness.attempts.startAttempt(
                runId, Stage.PREPARE, "", "key", deadPid() + self.substring(self.indexOf('@')));

        List<Outcome> outcomes = reconciler.reconcile(List.of(runId));

        assertEquals(
                List.of(Action.ATTEMPT_CLOSED),
                outcomes.stream().map(Outcome::action).toList());
        StageAttempt closed = harness.attempts.findAttempt(orphan.id()).orElseThrow();
        assertEquals("FAILED", closed.status().name());
        assertTrue(closed.errorMessage().endsWith("is no longer running"), closed.errorMessage());
    }

    @Test
    void anAttemptOfAWorkerOnAnotherMachineWithThisHostNameAndAFreePidIsNotJudgedByTheLocalCheck() {
        String runId = harness.launcher.start(TINY, null, null);
        started.add(runId);
        // same host name and a pid that no process here has, but another machine's fingerprint: its worker may run
        String self = WorkerIdentity.current();
        String host = self.substring(self.indexOf('@') + 1, self.indexOf('/'));
        String otherMachine =
                self.substring(self.indexOf('/') + 1).startsWith("000000000000") ? "111111111111" : "000000000000";
        String elsewhere = deadPid() + "@" + host + "/" + otherMachine + "-12345";
        StageAttempt attempt = harness.attempts.startAttempt(runId, Stage.PREPARE, "", "key", elsewhere);
        // an identity of the old pid@host form proves no machine either (the old check called this one dead)
        StageAttempt legacy = harness.attempts.startAttempt(runId, Stage.TRAIN_BASE, "", "key", deadPid() + "@" + host);

        List<Outcome> outcomes = reconciler.reconcile(List.of(runId));

        assertEquals(List.of(), outcomes);
        assertEquals(
                "RUNNING",
                harness.attempts
                        .findAttempt(attempt.id())
                        .orElseThrow()
                        .status()
                        .name());
        assertEquals(
                "RUNNING",
                harness.attempts.findAttempt(legacy.id()).orElseThrow().status().name());
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

package io.bagsflow.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.StageStatus;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.PipelineRequest;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.pipeline.RetryRequest;
import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageState;
import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SynthSpec;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.WorkflowBugs;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class PipelineWorkflowTest {

    @RegisterExtension
    static final TestWorkflowExtension temporal =
            TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

    private final FakeStages stages = new FakeStages();
    private TestWorkflowEnvironment env;

    @BeforeEach
    void workers(TestWorkflowEnvironment env) {
        this.env = env;
        // heartbeats reach the server at once, so a cancellation reaches an activity at its next heartbeat
        WorkerOptions options = WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(50))
                .setDefaultHeartbeatThrottleInterval(Duration.ofMillis(50))
                .build();
        Worker cpu = env.newWorker(TaskQueues.CPU, options);
        cpu.registerWorkflowImplementationTypes(WorkflowBugs.implementationOptions(), PipelineWorkflowImpl.class);
        cpu.registerActivitiesImplementations(
                stages.prepareActivities(), stages.evaluationActivities(), stages.runActivities());
        env.newWorker(TaskQueues.GPU, options).registerActivitiesImplementations(stages.trainingActivities());
        env.start();
    }

    static PipelineSpec tinySpec(List<String> generations) {
        return new PipelineSpec(
                new DatasetSpec(new SynthSpec("tiny", 7L), null, null, null),
                null,
                null,
                null,
                generations,
                null,
                null,
                null);
    }

    private PipelineWorkflow start(String runId, PipelineRequest request) {
        PipelineWorkflow wf = env.getWorkflowClient()
                .newWorkflowStub(
                        PipelineWorkflow.class,
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(TaskQueues.CPU)
                                .setWorkflowId(runId)
                                .build());
        WorkflowClient.start(wf::run, request);
        return wf;
    }

    private static PipelineResult result(PipelineWorkflow wf) {
        return WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
    }

    /**
     * Lets the workflow go on until it waits for a signal (or ends). The test server's clock moves only while no
     * workflow task or activity is in flight, so once an hour of virtual time has passed, the workflow is blocked
     * in its await: no wall-clock waiting and no polling.
     */
    private void untilItWaits() {
        env.sleep(Duration.ofHours(1));
    }

    @Test
    void runsTheFourStagesWithEveryGenerationAndEvaluatesEachModel() {
        PipelineWorkflow wf = start("run-happy", PipelineRequest.of("run-happy", tinySpec(List.of("bags", "control"))));
        PipelineResult result = result(wf);

        assertEquals(RunStatus.SUCCEEDED, result.status());
        // the parts of a stage run at once, so only their order within a chain and between stages is fixed
        assertEquals(List.of("prepare", "trainBase"), stages.calls.subList(0, 2));
        assertEquals(Set.of("finetune:bags", "finetune:control"), Set.copyOf(stages.calls.subList(2, 4)));
        assertEquals(
                Set.of("predict:base", "score:base", "predict:bags", "score:bags", "predict:control", "score:control"),
                Set.copyOf(stages.calls.subList(4, 10)));
        for (String kind : List.of("base", "bags", "control")) {
            assertTrue(stages.calls.indexOf("predict:" + kind) < stages.calls.indexOf("score:" + kind), kind);
        }
        assertEquals("report", stages.calls.get(10));
        assertEquals(11, stages.calls.size());
        assertEquals(
                List.of("run-happy-base", "run-happy-bags", "run-happy-control"),
                result.models().stream().map(ModelRef::modelId).toList());
        assertEquals("run-happy-base", result.models().get(1).parentModelId());
        assertEquals(11.0, result.activitySeconds());
        assertEquals(0.0, result.waitingSeconds(), "it never waited for a retry");
        assertEquals(List.of("SUCCEEDED"), stages.runStatuses);
        assertTrue(wf.status().stages().stream().allMatch(s -> s.state() == StageStatus.SUCCEEDED));
        // each evaluation part sees the artifacts of the earlier stages and its own model's results
        StageInput scoreBags = stages.inputs.get(stages.calls.indexOf("score:bags"));
        assertEquals("bags", scoreBags.kind());
        assertTrue(scoreBags.artifacts().containsKey("manifest"));
        assertTrue(scoreBags.artifacts().containsKey("results/bags"));
    }

    @Test
    void aStageThatFailsForGoodWaitsForRetryAndAppliesItsOverrides() throws Exception {
        stages.failTimes("prepare", 1);
        PipelineWorkflow wf = start("run-retry", PipelineRequest.of("run-retry", tinySpec(List.of("bags"))));
        untilItWaits();
        assertEquals(RunStatus.WAITING_FOR_RETRY, wf.status().status());

        StageState prepare = wf.status().stages().get(0);
        assertEquals(StageStatus.FAILED, prepare.state());
        assertEquals("prepare got bad input", prepare.lastError());
        assertEquals(StageStatus.PENDING, wf.status().stages().get(1).state());

        wf.retryStage(new RetryRequest(Map.of("dataset.synth.seed", "8", "detector.learningRate", "0.01")));
        PipelineResult result = result(wf);

        assertEquals(RunStatus.SUCCEEDED, result.status());
        assertEquals(List.of("WAITING_FOR_RETRY", "RUNNING", "SUCCEEDED"), stages.runStatuses);
        // the hour it waited for the retry (test server time) is the person's, not orchestration's; the wait starts a
        // few test-server milliseconds after the hour does, once the failure is recorded
        assertTrue(result.waitingSeconds() >= 3599, "waited " + result.waitingSeconds());
        assertEquals(List.of("prepare", "prepare", "trainBase"), stages.calls.subList(0, 3));
        PipelineSpec retried = stages.inputs.get(1).spec();
        assertEquals(8L, retried.dataset().synth().seed());
        assertEquals(0.01, retried.detector().get("learningRate"));
        assertEquals(1, wf.status().stages().get(0).failures());
        assertEquals(2, wf.status().stages().get(0).attempt());
        assertEquals(1, wf.status().stages().get(1).attempt());
    }

    @Test
    void aRetryRedoesOnlyThePartThatFailed() throws Exception {
        stages.failTimes("finetune:control", 1);
        PipelineWorkflow wf = start("run-part", PipelineRequest.of("run-part", tinySpec(List.of("bags", "control"))));
        untilItWaits();
        assertEquals(RunStatus.WAITING_FOR_RETRY, wf.status().status());
        wf.retryStage(RetryRequest.plain());
        PipelineResult result = result(wf);

        assertEquals(RunStatus.SUCCEEDED, result.status());
        assertEquals("control", wf.status().stages().get(2).part());
        assertEquals(
                1, stages.calls.stream().filter(c -> c.equals("finetune:bags")).count());
        assertEquals(
                2,
                stages.calls.stream().filter(c -> c.equals("finetune:control")).count());
        assertEquals(3, result.models().size());
    }

    @Test
    void aBadOverrideKeepsTheRunWaiting() throws Exception {
        stages.failTimes("prepare", 1);
        PipelineWorkflow wf = start("run-bad", PipelineRequest.of("run-bad", tinySpec(List.of("bags"))));
        untilItWaits();
        assertEquals(RunStatus.WAITING_FOR_RETRY, wf.status().status());
        wf.retryStage(new RetryRequest(Map.of("dataset.no_such_key", "1")));
        untilItWaits();
        assertEquals(RunStatus.WAITING_FOR_RETRY, wf.status().status());
        assertTrue(
                wf.status().stages().get(0).lastError().startsWith("retry rejected"),
                wf.status().stages().get(0).lastError());
        wf.abort("giving up");
        assertEquals(RunStatus.ABORTED, result(wf).status());
    }

    @Test
    void abortEndsAWaitingRun() throws Exception {
        stages.failTimes("trainBase", 1);
        PipelineWorkflow wf = start("run-abort", PipelineRequest.of("run-abort", tinySpec(List.of("bags"))));
        untilItWaits();
        assertEquals(RunStatus.WAITING_FOR_RETRY, wf.status().status());
        wf.abort("wrong dataset");
        PipelineResult result = result(wf);
        assertEquals(RunStatus.ABORTED, result.status());
        assertEquals(List.of("WAITING_FOR_RETRY", "ABORTED"), stages.runStatuses);
        assertEquals(List.of("prepare", "trainBase"), stages.calls);
    }

    @Test
    void resumingFromAStageTakesTheEarlierStagesFromTheOtherRun() {
        PipelineWorkflow wf =
                start("run-2", new PipelineRequest("run-2", tinySpec(List.of("bags")), "run-1", Stage.FINETUNE_BAGS));
        PipelineResult result = result(wf);
        assertEquals(RunStatus.SUCCEEDED, result.status());
        assertEquals(
                List.of("take:PREPARE:run-1", "take:TRAIN_BASE:run-1", "finetune:bags"), stages.calls.subList(0, 3));
        assertEquals(StageStatus.REUSED, wf.status().stages().get(0).state());
        assertEquals(StageStatus.SUCCEEDED, wf.status().stages().get(2).state());
        assertNull(wf.status().stages().get(2).lastError());
    }

    @Test
    void aWorkflowThatFailsLeavesItsRunFailedWithTheCause() throws Exception {
        stages.failTimes("prepare", 1);
        stages.bookkeepingFails = true;
        PipelineWorkflow wf = start("run-broken", PipelineRequest.of("run-broken", tinySpec(List.of("bags"))));

        assertThrows(WorkflowFailedException.class, () -> result(wf));
        assertEquals(List.of("FAILED"), stages.runStatuses);
        assertTrue(stages.runErrors.get(0).contains("database gone"), stages.runErrors.toString());
    }

    @Test
    void abortEndsTheRunOnlyAfterTheStageInProgressHasStopped() throws Exception {
        stages.trainUntilCancelled = true;
        PipelineWorkflow wf = start("run-stop", PipelineRequest.of("run-stop", tinySpec(List.of("bags"))));
        assertTrue(stages.trainingStarted.await(30, TimeUnit.SECONDS), "training never started: " + stages.calls);
        wf.abort("wrong dataset");

        assertEquals(RunStatus.ABORTED, result(wf).status());
        assertEquals(List.of("ABORTED"), stages.runStatuses);
        assertEquals(List.of("wrong dataset"), stages.runErrors);
        assertEquals(Boolean.TRUE, stages.trainingStoppedAtEnd, stages.calls.toString());
    }

    @Test
    void theFineTunePartsRunAtTheSameTime() {
        stages.finetuneMillis = 300;
        PipelineResult result =
                result(start("run-fan", PipelineRequest.of("run-fan", tinySpec(List.of("bags", "control", "crt")))));

        assertEquals(RunStatus.SUCCEEDED, result.status());
        assertTrue(stages.maxFinetunesRunning.get() >= 2, "at most " + stages.maxFinetunesRunning + " at once");
        // the models keep the order of the spec's generations, whatever order their parts finished in
        assertEquals(
                List.of("base", "bags", "control", "crt"),
                result.models().stream().map(ModelRef::kind).toList());
    }

    /** The result, or a failure of the test if the workflow has not ended within 15 s (it hangs). */
    private static PipelineResult resultWithin(PipelineWorkflow wf) throws Exception {
        return WorkflowStub.fromTyped(wf).getResult(15, TimeUnit.SECONDS, PipelineResult.class);
    }

    @Test
    void aBugInTheWorkflowCodeFailsTheRunWithItsCauseInsteadOfRetryingForEver() {
        // the earlier run's TRAIN_BASE yields no base model: FINETUNE_BAGS's lookup of it throws in workflow code
        stages.takeWithoutModels = true;
        PipelineWorkflow wf = start(
                "run-bug", new PipelineRequest("run-bug", tinySpec(List.of("bags")), "run-1", Stage.FINETUNE_BAGS));

        WorkflowFailedException failed = assertThrows(WorkflowFailedException.class, () -> resultWithin(wf));

        assertEquals(List.of("FAILED"), stages.runStatuses);
        assertTrue(stages.runErrors.get(0).contains("NoSuchElementException"), stages.runErrors.toString());
        assertTrue(failed.getCause().getMessage().contains("workflow failed on a bug"), failed.toString());
    }

    @Test
    void abortStopsTheRemakeOfACorruptInputsProducer() throws Exception {
        stages.script("finetune:bags", "corrupt:TRAIN_BASE");
        stages.script("trainBase", "ok", "untilCancelled");
        PipelineWorkflow wf = start("run-remake", PipelineRequest.of("run-remake", tinySpec(List.of("bags"))));
        assertTrue(stages.blockedStarted.await(30, TimeUnit.SECONDS), "the remake never started: " + stages.calls);

        wf.abort("wrong dataset");

        assertEquals(RunStatus.ABORTED, resultWithin(wf).status());
        assertEquals(List.of("ABORTED"), stages.runStatuses);
        assertEquals(Boolean.TRUE, stages.trainingStoppedAtEnd, stages.calls.toString());
    }

    @Test
    void aRemakeThatFailedIsTriedAgainByTheNextRetry() throws Exception {
        // the fine-tune finds the base checkpoint corrupt twice; the first remake of the base fails
        stages.script("finetune:bags", "corrupt:TRAIN_BASE", "corrupt:TRAIN_BASE");
        stages.script("trainBase", "ok", "invalid");
        PipelineWorkflow wf = start("run-remake2", PipelineRequest.of("run-remake2", tinySpec(List.of("bags"))));
        untilItWaits();
        assertEquals(RunStatus.WAITING_FOR_RETRY, wf.status().status());

        wf.retryStage(RetryRequest.plain());

        assertEquals(RunStatus.SUCCEEDED, resultWithin(wf).status());
        assertEquals(
                List.of("trainBase", "trainBase", "trainBase"),
                stages.calls.stream().filter(c -> c.equals("trainBase")).toList());
    }
}

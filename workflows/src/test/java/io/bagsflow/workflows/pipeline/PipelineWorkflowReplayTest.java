package io.bagsflow.workflows.pipeline;

import io.bagsflow.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Determinism guard: a history recorded from an earlier version of {@link PipelineWorkflowImpl} (a run with a failed
 * stage, a retry with overrides, and every stage after it) must replay on the current code. A change that breaks
 * it needs {@code Workflow.getVersion}. Re-record with {@code -Dbagsflow.recordHistory=true} only when the
 * workflow's contract changes on purpose.
 */
@Timeout(60)
class PipelineWorkflowReplayTest {

    private static final String HISTORY = "/histories/pipeline-retry.json";

    @Test
    void aRecordedRunReplaysOnTheCurrentCode() throws Exception {
        if (Boolean.getBoolean("bagsflow.recordHistory")) {
            record(Path.of("src/test/resources" + HISTORY));
        }
        String json;
        try (InputStream in = getClass().getResourceAsStream(HISTORY)) {
            assertTrue(in != null, "missing recorded history " + HISTORY);
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        WorkflowReplayer.replayWorkflowExecution(json, PipelineWorkflowImpl.class);
    }

    /** Runs the retry scenario on a test server and writes its history. */
    private static void record(Path file) throws Exception {
        FakeStages stages = new FakeStages();
        stages.failTimes("finetune:control", 1);
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            Worker cpu = env.newWorker(TaskQueues.CPU);
            cpu.registerWorkflowImplementationTypes(PipelineWorkflowImpl.class);
            cpu.registerActivitiesImplementations(stages.prepareActivities(), stages.evaluationActivities(),
                    stages.runActivities());
            env.newWorker(TaskQueues.GPU).registerActivitiesImplementations(stages.trainingActivities());
            env.start();
            PipelineWorkflow wf = env.getWorkflowClient().newWorkflowStub(PipelineWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CPU).setWorkflowId("run-recorded").build());
            WorkflowClient.start(wf::run, PipelineRequest.of("run-recorded",
                    PipelineWorkflowTest.tinySpec(List.of("bags", "control"))));
            while (wf.status().status() != RunStatus.WAITING_FOR_RETRY) {
                Thread.sleep(20);
            }
            wf.retryStage(new RetryRequest(Map.of("finetune.lr", "0.001")));
            WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
            String history = env.getWorkflowClient().fetchHistory("run-recorded").toJson(true);
            Files.createDirectories(file.getParent());
            Files.writeString(file, history);
        }
    }
}

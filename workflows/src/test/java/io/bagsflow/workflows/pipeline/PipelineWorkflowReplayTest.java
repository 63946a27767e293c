package io.bagsflow.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.PipelineRequest;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.pipeline.RetryRequest;
import io.bagsflow.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Determinism guard: histories recorded from earlier versions of {@link PipelineWorkflowImpl} (a run with a failed
 * stage, a retry with overrides, and every stage after it) must replay on the current code. A change that breaks
 * one needs {@code Workflow.getVersion} with a change id in {@link io.bagsflow.workflows.WorkflowVersions}, and each
 * side of every change id has a history here:
 *
 * <ul>
 *   <li>{@code pipeline-retry.json}: recorded before any versioned change (the old side of {@code
 *       records-never-lie}, {@code parallel-parts}, {@code recompute-corrupt-input}).
 *   <li>{@code pipeline-retry-v1.json}: {@code records-never-lie} and {@code parallel-parts}; the old side of {@code
 *       recompute-corrupt-input} (the failed stage waits for a retry) and of {@code unexpected-fails-run}.
 *   <li>{@code pipeline-remake-v1.json}: a corrupt base checkpoint remade at once ({@code recompute-corrupt-input}),
 *       on the old side of {@code abortable-remake} and {@code unexpected-fails-run}. It was recorded on the current
 *       code with those two {@code getVersion} calls taken out (the code before them called nothing, so the history
 *       has no marker for them, as a run of that code has); the remake branch is the code of that time unchanged.
 *       Recording it again needs the same edit.
 *   <li>the {@code -v2} histories: {@code unexpected-fails-run} and {@code abortable-remake} ({@code
 *       pipeline-remake-v2.json}: a corrupt input whose producer's remake fails, then a retry that remakes it again;
 *       {@code pipeline-bug-v2.json}: a bug in the workflow code (a resumed run without a base model) that fails the
 *       run and the workflow, the new side of {@code unexpected-fails-run} once a bug happens).
 * </ul>
 *
 * Not covered: the old side of {@code unexpected-fails-run} when a bug happens. Its workflow task fails and Temporal
 * retries it for ever, so such a run never ends and its history has nothing to replay past the bug; up to the bug it
 * is the path of {@code pipeline-retry-v1.json}.
 *
 * Record a new history with {@code -Dbagsflow.recordHistory=NAME.json} when the workflow changes on purpose, and keep
 * the old.
 */
@Timeout(60)
class PipelineWorkflowReplayTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pipeline-retry.json",
                "pipeline-retry-v1.json",
                "pipeline-retry-v2.json",
                "pipeline-remake-v1.json",
                "pipeline-remake-v2.json",
                "pipeline-bug-v2.json"
            })
    void aRecordedRunReplaysOnTheCurrentCode(String name) throws Exception {
        String history = "/histories/" + name;
        if (name.equals(System.getProperty("bagsflow.recordHistory"))) {
            record(Path.of("src/test/resources" + history));
        }
        String json;
        try (InputStream in = getClass().getResourceAsStream(history)) {
            assertTrue(in != null, "missing recorded history " + history);
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        WorkflowReplayer.replayWorkflowExecution(json, PipelineWorkflowImpl.class);
    }

    /** Runs the retry scenario on a test server and writes its history. */
    private static void record(Path file) throws Exception {
        FakeStages stages = new FakeStages();
        String name = file.getFileName().toString();
        boolean waitsForRetry = true;
        boolean fails = false;
        PipelineRequest request =
                PipelineRequest.of("run-recorded", PipelineWorkflowTest.tinySpec(List.of("bags", "control")));
        if (name.contains("bug")) {
            // resumed from a run whose TRAIN_BASE yields no base model: FINETUNE_BAGS's lookup of it throws in
            // workflow code, which fails the run and the workflow
            stages.takeWithoutModels = true;
            request = new PipelineRequest(
                    "run-recorded", PipelineWorkflowTest.tinySpec(List.of("bags")), "run-1", Stage.FINETUNE_BAGS);
            waitsForRetry = false;
            fails = true;
        } else if (name.contains("remake-v1")) {
            // a corrupt base checkpoint, remade at once; the run goes on without waiting for a retry
            stages.script("finetune:bags", "corrupt:TRAIN_BASE");
            waitsForRetry = false;
        } else if (name.contains("remake")) {
            // a corrupt base checkpoint whose first remake fails; the retry remakes it again
            stages.script("finetune:bags", "corrupt:TRAIN_BASE", "corrupt:TRAIN_BASE");
            stages.script("trainBase", "ok", "invalid");
        } else {
            stages.failTimes("finetune:control", 1);
        }
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            Worker cpu = env.newWorker(TaskQueues.CPU);
            cpu.registerWorkflowImplementationTypes(PipelineWorkflowImpl.class);
            cpu.registerActivitiesImplementations(
                    stages.prepareActivities(), stages.evaluationActivities(), stages.runActivities());
            env.newWorker(TaskQueues.GPU).registerActivitiesImplementations(stages.trainingActivities());
            env.start();
            PipelineWorkflow wf = env.getWorkflowClient()
                    .newWorkflowStub(
                            PipelineWorkflow.class,
                            WorkflowOptions.newBuilder()
                                    .setTaskQueue(TaskQueues.CPU)
                                    .setWorkflowId("run-recorded")
                                    .build());
            WorkflowClient.start(wf::run, request);
            if (waitsForRetry) {
                env.sleep(Duration.ofHours(1)); // virtual time: passes once the workflow waits for the retry signal
                if (wf.status().status() != RunStatus.WAITING_FOR_RETRY) {
                    throw new IllegalStateException("the recorded run does not wait for a retry: " + wf.status());
                }
                wf.retryStage(new RetryRequest(Map.of("finetune.lr", "0.001")));
            }
            try {
                WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
                if (fails) {
                    throw new IllegalStateException("the recorded run was to fail on a bug but succeeded");
                }
            } catch (WorkflowFailedException failed) {
                if (!fails) {
                    throw failed;
                }
            }
            String history =
                    env.getWorkflowClient().fetchHistory("run-recorded").toJson(true);
            Files.createDirectories(file.getParent());
            Files.writeString(file, history);
        }
    }
}

package io.bagsflow.workflows.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.experiment.ExperimentProgress;
import io.bagsflow.model.experiment.ExperimentRequest;
import io.bagsflow.model.experiment.ExperimentSpec;
import io.bagsflow.model.pipeline.RetryRequest;
import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SynthSpec;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.pipeline.PipelineWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The experiment's scheduling with stand-in pipeline runs: cells, parallelism, outcomes, abort. */
@Timeout(60)
class ExperimentWorkflowTest {

    @RegisterExtension
    static final TestWorkflowExtension temporal =
            TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

    private final List<String> opened = Collections.synchronizedList(new ArrayList<>());
    private final List<PipelineSpec> specs = Collections.synchronizedList(new ArrayList<>());
    private final List<String> marked = Collections.synchronizedList(new ArrayList<>());
    private TestWorkflowEnvironment env;

    @BeforeEach
    void workers(TestWorkflowEnvironment env) {
        this.env = env;
        Worker cpu = env.newWorker(TaskQueues.CPU);
        cpu.registerWorkflowImplementationTypes(ExperimentWorkflowImpl.class, StandInPipeline.class);
        cpu.registerActivitiesImplementations(new ExperimentActivities() {
            @Override
            public void openCellRun(String experimentId, int cellIndex, String runId, PipelineSpec spec) {
                opened.add(runId);
                specs.add(spec);
            }

            @Override
            public void markExperimentStatus(String experimentId, ExperimentStatus status) {
                marked.add(status.name());
            }
        });
        env.start();
    }

    static ExperimentSpec ratiosBySeeds(Integer parallelism) {
        PipelineSpec base = new PipelineSpec(
                new DatasetSpec(new SynthSpec("tiny", 7L), null, null, null),
                null,
                null,
                null,
                List.of("bags"),
                null,
                null,
                null);
        Map<String, List<Object>> grid = new LinkedHashMap<>();
        grid.put("finetune.othersSampleRatio", List.of(0, 8));
        return new ExperimentSpec(base, grid, List.of(31L, 32L), parallelism);
    }

    private ExperimentWorkflow start(String id, ExperimentSpec spec) {
        ExperimentWorkflow wf = env.getWorkflowClient()
                .newWorkflowStub(
                        ExperimentWorkflow.class,
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(TaskQueues.CPU)
                                .setWorkflowId(id)
                                .build());
        WorkflowClient.start(wf::run, new ExperimentRequest(id, spec));
        return wf;
    }

    private void end(String runId, String status) {
        env.getWorkflowClient()
                .newWorkflowStub(PipelineWorkflow.class, runId)
                .retryStage(new RetryRequest(Map.of("end", status)));
    }

    private static List<String> states(ExperimentWorkflow wf) {
        return wf.progress().cells().stream().map(c -> c.state().name()).toList();
    }

    /**
     * Lets the experiment and its stand-in runs go on until they all wait for a signal: the test server's clock
     * moves only while nothing is in flight, so once an hour of virtual time has passed, they are blocked.
     */
    private List<String> statesOnceItWaits(ExperimentWorkflow wf) {
        env.sleep(Duration.ofHours(1));
        return states(wf);
    }

    @Test
    void runsEveryCellAsAChildWithAtMostParallelismAtATime() throws Exception {
        ExperimentWorkflow wf = start("exp-a", ratiosBySeeds(2));
        assertEquals(List.of("RUNNING", "RUNNING", "PENDING", "PENDING"), statesOnceItWaits(wf));
        end("exp-a-2", "SUCCEEDED");
        assertEquals(List.of("RUNNING", "SUCCEEDED", "RUNNING", "PENDING"), statesOnceItWaits(wf));
        end("exp-a-1", "SUCCEEDED");
        assertEquals(List.of("SUCCEEDED", "SUCCEEDED", "RUNNING", "RUNNING"), statesOnceItWaits(wf));
        end("exp-a-3", "SUCCEEDED");
        end("exp-a-4", "SUCCEEDED");
        ExperimentProgress result = WorkflowStub.fromTyped(wf).getResult(ExperimentProgress.class);

        assertEquals(ExperimentStatus.SUCCEEDED, result.status());
        assertEquals(List.of("exp-a-1", "exp-a-2", "exp-a-3", "exp-a-4"), opened);
        assertEquals(List.of("SUCCEEDED"), marked);
        // grid values outermost, seeds innermost; a seed sets the training seed and the synthetic dataset's seed
        List<String> cells = specs.stream()
                .map(s -> s.finetune().get("othersSampleRatio") + "/"
                        + s.detector().get("seed") + "/" + s.dataset().synth().seed())
                .toList();
        assertEquals(List.of("0/31/31", "0/32/32", "8/31/31", "8/32/32"), cells);

        // deterministic: its own history replays (ExperimentWorkflowReplayTest keeps one recorded as a guard)
        WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory("exp-a");
        WorkflowReplayer.replayWorkflowExecution(history, ExperimentWorkflowImpl.class);
        if (Boolean.getBoolean("bagsflow.recordHistory")) {
            Path file = Path.of("src/test/resources" + ExperimentWorkflowReplayTest.HISTORY);
            Files.createDirectories(file.getParent());
            Files.writeString(file, history.toJson(true));
        }
    }

    @Test
    void withoutParallelismEveryCellStartsAtOnce() throws Exception {
        ExperimentWorkflow wf = start("exp-b", ratiosBySeeds(null));
        assertEquals(List.of("RUNNING", "RUNNING", "RUNNING", "RUNNING"), statesOnceItWaits(wf));
        end("exp-b-1", "SUCCEEDED");
        end("exp-b-2", "FAILED");
        end("exp-b-3", "SUCCEEDED");
        end("exp-b-4", "SUCCEEDED");
        ExperimentProgress result = WorkflowStub.fromTyped(wf).getResult(ExperimentProgress.class);
        // a failed cell fails the experiment, but only after every other cell ended
        assertEquals(ExperimentStatus.FAILED, result.status());
        assertEquals(
                List.of("SUCCEEDED", "FAILED", "SUCCEEDED", "SUCCEEDED"),
                result.cells().stream().map(c -> c.state().name()).toList());
    }

    @Test
    void abortAbortsTheRunningCellsAndStartsNoMore() throws Exception {
        ExperimentWorkflow wf = start("exp-c", ratiosBySeeds(1));
        assertEquals(List.of("RUNNING", "PENDING", "PENDING", "PENDING"), statesOnceItWaits(wf));
        wf.abort("wrong grid");
        ExperimentProgress result = WorkflowStub.fromTyped(wf).getResult(ExperimentProgress.class);
        assertEquals(ExperimentStatus.ABORTED, result.status());
        assertEquals(
                List.of("ABORTED", "NOT_STARTED", "NOT_STARTED", "NOT_STARTED"),
                result.cells().stream().map(c -> c.state().name()).toList());
        assertEquals(List.of("exp-c-1"), opened);
        assertEquals(List.of("ABORTED"), marked);
    }
}

package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.experiment.ExperimentSpecs;
import io.bagsflow.db.ExperimentCellRecord;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.experiment.ExperimentProgress;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.Eventually;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.experiment.ExperimentLauncher;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The only worker (workflows and activities) is killed with SIGKILL while an experiment's two cells wait on one
 * shared base training. A new worker replays the experiment and its runs and finishes them: every stage part of
 * every cell succeeds once, and the shared base model is trained to the end once.
 */
@Timeout(600)
class ExperimentWorkerKilledTest {

    @Test
    void afterARestartTheExperimentCompletesWithNoWorkDoneTwice(@TempDir Path childHome) throws Exception {
        try (PipelineHarness harness = new PipelineHarness()) {
            ExperimentRepository experiments = new ExperimentRepository(harness.database);
            ExperimentLauncher launcher = new ExperimentLauncher(harness.temporal.client(), experiments);
            Process child = ChildWorkerProcess.start("cpu,gpu", "doomed-worker", childHome);
            String id;
            try {
                id = launcher.start(ExperimentSpecs.parse("{\"base\": {"
                        + "\"dataset\": {\"synth\": {\"preset\": \"tiny\"}},"
                        + "\"detector\": {\"iterations\": 400, \"checkpointInterval\": 40, \"progressInterval\": 10},"
                        + "\"generations\": [\"bags\"],"
                        + "\"timeouts\": {\"heartbeat_seconds\": 4}},"
                        + "\"grid\": {\"finetune.othersSampleRatio\": [0, 8]}, \"seeds\": [41]}"));
                String first = id + "-1";
                String second = id + "-2";
                // kill it once the shared base training has uploaded a checkpoint
                Eventually.await(
                        Duration.ofMinutes(4),
                        () -> checkpointed(harness, first) || checkpointed(harness, second),
                        "a checkpoint of the shared base training");
            } finally {
                child.destroyForcibly();
            }
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));

            try (BagsflowWorker worker = BagsflowWorker.start(
                    harness.endpoints,
                    List.of(TaskQueues.CPU, TaskQueues.GPU),
                    new BagsflowHome(TestServices.home()),
                    "restarted-worker")) {
                ExperimentProgress end = launcher.await(id);
                assertEquals(ExperimentStatus.SUCCEEDED, end.status(), end.toString());
            }

            assertEquals(
                    "SUCCEEDED", experiments.find(id).orElseThrow().status().name());
            Map<String, Integer> succeededPerStage = new HashMap<>();
            List<AttemptView> killed = new ArrayList<>();
            for (ExperimentCellRecord cell : experiments.cells(id)) {
                assertEquals("SUCCEEDED", cell.runStatus().name());
                RunView run = harness.show(cell.runId());
                for (StageView stage : run.stages()) {
                    Map<String, Integer> succeededPerPart = new HashMap<>();
                    for (AttemptView a : stage.attempts()) {
                        if (a.status().name().equals("SUCCEEDED")) {
                            succeededPerPart.merge(a.part(), 1, Integer::sum);
                            succeededPerStage.merge(stage.stage(), 1, Integer::sum);
                        } else if (a.status().name().equals("FAILED")) {
                            killed.add(a);
                        }
                    }
                    // no part of a cell was computed twice
                    succeededPerPart.forEach((part, n) -> assertEquals(1, n, stage.stage() + " " + part));
                }
            }
            // the two cells share the dataset and the base model: each computed once for both
            assertEquals(1, succeededPerStage.get("PREPARE"));
            assertEquals(1, succeededPerStage.get("TRAIN_BASE"));
            // each cell fine-tunes and evaluates its own ratio
            assertEquals(2, succeededPerStage.get("FINETUNE_BAGS"));
            // the one attempt that did not finish is the killed worker's
            assertEquals(1, killed.size(), killed.toString());
            assertEquals("doomed-worker", killed.get(0).worker());
            assertTrue(
                    killed.get(0).error().startsWith("WorkerLost"),
                    killed.get(0).error());
        }
    }

    private static boolean checkpointed(PipelineHarness harness, String runId) {
        Optional<RunView> run = harness.history.show(runId);
        return run.isPresent()
                && run.get().stages().get(1).attempts().stream()
                        .anyMatch(a -> a.progress() != null
                                && a.progress().path("checkpoint_iteration").asInt() >= 40);
    }
}

package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.workflows.TaskQueues;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * `pipeline abort` in the middle of a training: it returns once the training has stopped, and the record says so:
 * the run ABORTED with its reason, the training attempt closed (not RUNNING), nothing written after the run ended.
 */
@Timeout(300)
class AbortDuringTrainingTest {

    @Test
    void abortStopsTheTrainingBeforeTheRunIsMarkedAborted() throws Exception {
        try (PipelineHarness harness = new PipelineHarness()) {
            String runId;
            RunView run;
            try (BagsflowWorker worker = BagsflowWorker.start(
                    harness.endpoints,
                    List.of(TaskQueues.CPU, TaskQueues.GPU),
                    new BagsflowHome(TestServices.home()),
                    "abort-test-worker")) {
                runId = harness.launcher.start(
                        PipelineSpecs.parse("{"
                                + "\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 17}},"
                                + "\"detector\": {\"iterations\": 5000, \"checkpointInterval\": 1000, \"progressInterval\": 5},"
                                + "\"generations\": [\"bags\"]}"),
                        null,
                        null);
                harness.waitFor(
                        runId,
                        v -> v.stages().get(1).attempts().stream()
                                .anyMatch(a -> a.progress() != null
                                        && a.progress()
                                                        .path("step")
                                                        .asInt(a.progress()
                                                                .path("iteration")
                                                                .asInt())
                                                >= 10),
                        Duration.ofMinutes(3));

                long t0 = System.nanoTime();
                assertTrue(harness.launcher.abort(runId, "wrong dataset"));
                double seconds = (System.nanoTime() - t0) / 1e9;

                run = harness.show(runId);
                assertEquals("ABORTED", run.status().name());
                assertEquals(
                        "wrong dataset",
                        new RunStateRepository(harness.database).error(runId).orElseThrow());
                AttemptView training = run.stages().get(1).attempts().get(0);
                assertFalse(training.status().name().equals("RUNNING"), training.toString());
                assertTrue(!training.endedAt().isAfter(run.endedAt()), training.endedAt() + " after " + run.endedAt());
                assertTrue(seconds < 30, "abort took " + seconds + " s");
            }
            // and nothing changes afterwards: the worker has stopped and its activity threads have ended, so a write
            // that any of them still had in it has landed by now (no waiting in real time for one that may not come)
            RunView later = harness.show(runId);
            assertEquals("ABORTED", later.status().name());
            assertEquals(run.endedAt(), later.endedAt());
            assertEquals(run.stages().get(1).attempts(), later.stages().get(1).attempts());
        }
    }
}

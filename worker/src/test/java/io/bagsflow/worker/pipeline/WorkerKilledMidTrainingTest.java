package io.bagsflow.worker.pipeline;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.workflows.TaskQueues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU worker killed with SIGKILL in the middle of TRAIN_BASE: once its heartbeats stop, Temporal retries the
 * stage on another worker, which continues from the last checkpoint the killed one uploaded.
 */
@Timeout(300)
class WorkerKilledMidTrainingTest {

    @Test
    void asecondWorkerResumesTrainingFromTheLastCheckpoint(@TempDir Path childHome) throws Exception {
        try (PipelineHarness harness = new PipelineHarness();
             BagsflowWorker cpu = BagsflowWorker.start(harness.endpoints, List.of(TaskQueues.CPU),
                     new BagsflowHome(TestServices.home()), "cpu-worker")) {
            Process child = startChildWorker(childHome);
            try {
                String runId = harness.launcher.start(PipelineSpecs.parse("{"
                        + "\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 11}},"
                        + "\"detector\": {\"iterations\": 400, \"checkpointInterval\": 40, \"progressInterval\": 10},"
                        + "\"generations\": [\"bags\"],"
                        + "\"timeouts\": {\"heartbeat_seconds\": 4}}"), null, null);

                // wait until the child worker has uploaded a checkpoint, then kill it mid-training
                RunView training = harness.waitFor(runId, v -> v.stages().get(1).attempts().stream().anyMatch(a ->
                        a.progress() != null && a.progress().path("checkpoint_iteration").asInt() >= 40),
                        Duration.ofMinutes(3));
                AttemptView killed = training.stages().get(1).attempts().get(0);
                assertEquals("child-worker", killed.worker());
                // Temporal's live view: the stage's state from the workflow query, progress from the heartbeat
                PipelineLauncher.LiveStatus live = harness.launcher.liveStatus(runId);
                assertEquals("RUNNING", live.status().stages().get(1).state());
                assertEquals(1, live.status().stages().get(1).attempt());
                assertEquals("TrainBase", live.pending().get(0).type());
                // (the SDK sends heartbeat details at most every 0.8 x timeout, so only their presence is certain)
                assertTrue(live.pending().get(0).heartbeat().startsWith("{"), live.pending().get(0).heartbeat());
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                int checkpointed = harness.show(runId).stages().get(1).attempts().get(0).progress()
                        .path("checkpoint_iteration").asInt();

                try (BagsflowWorker gpu = BagsflowWorker.start(harness.endpoints, List.of(TaskQueues.GPU),
                        new BagsflowHome(TestServices.home()), "second-gpu-worker")) {
                    assertEquals("SUCCEEDED", harness.launcher.await(runId).status().name());
                }

                List<AttemptView> attempts = harness.show(runId).stages().get(1).attempts();
                assertEquals(2, attempts.size(), attempts::toString);
                assertEquals("FAILED", attempts.get(0).status());
                assertEquals("child-worker", attempts.get(0).worker());
                assertTrue(attempts.get(0).error().startsWith("WorkerLost"), attempts.get(0).error());
                AttemptView resumed = attempts.get(1);
                assertEquals("SUCCEEDED", resumed.status());
                assertEquals("second-gpu-worker", resumed.worker());
                assertTrue(resumed.resumedFromIteration() != null && resumed.resumedFromIteration() >= checkpointed,
                        "resumed from " + resumed.resumedFromIteration() + ", checkpointed " + checkpointed);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** A worker on the GPU queue only, in its own JVM, configured by environment variables. */
    private static Process startChildWorker(Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), ChildWorker.class.getName(), "gpu",
                "child-worker");
        pb.environment().putAll(TestServices.environment());
        pb.environment().put(EnvironmentConfig.HOME, home.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // skip start-up logging
        }
        assertTrue(line != null, "the child worker did not start");
        // keep draining its output so it never blocks on a full pipe
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }
}

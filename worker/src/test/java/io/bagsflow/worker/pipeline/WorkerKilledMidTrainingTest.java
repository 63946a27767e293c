package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.workflows.TaskQueues;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU worker killed in the middle of TRAIN_BASE, three times, each time after it uploaded a new checkpoint:
 * twice with SIGKILL (once its heartbeats stop, Temporal retries the stage), then stopped with SIGTERM as Ctrl-C
 * would (the worker stops the training between two steps, records it and exits cleanly instead of crashing in
 * native code). Each retry runs on the next worker and continues from the last checkpoint the previous one uploaded.
 * Runs on the real Temporal server when the CLI is installed.
 */
@Timeout(400)
class WorkerKilledMidTrainingTest {

    private static final int KILLS = 3;

    @Test
    void eachRetryResumesTrainingFromTheCheckpointBeforeItsKill(@TempDir Path childHome) throws Exception {
        try (PipelineHarness harness = new PipelineHarness();
                BagsflowWorker cpu = BagsflowWorker.start(
                        harness.endpoints,
                        List.of(TaskQueues.CPU),
                        new BagsflowHome(TestServices.home()),
                        "cpu-worker")) {
            String runId = harness.launcher.start(
                    PipelineSpecs.parse("{"
                            + "\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 11}},"
                            + "\"detector\": {\"iterations\": 400, \"checkpointInterval\": 40, \"progressInterval\": 10},"
                            + "\"generations\": [\"bags\"],"
                            + "\"timeouts\": {\"heartbeat_seconds\": 4}}"),
                    null,
                    null);
            List<Integer> checkpointBeforeKill = new ArrayList<>();
            for (int kill = 0; kill < KILLS; kill++) {
                int attempt = kill;
                int before = kill == 0 ? 0 : checkpointBeforeKill.get(kill - 1);
                Process child = startChildWorker(childHome, "child-worker-" + kill);
                try {
                    // wait until this worker has uploaded a checkpoint of its own, then kill it mid-training
                    RunView training = harness.waitFor(
                            runId,
                            v -> v.stages().get(1).attempts().size() > attempt
                                    && checkpoint(v.stages().get(1).attempts().get(attempt)) > before,
                            Duration.ofMinutes(3));
                    assertEquals(
                            "child-worker-" + kill,
                            training.stages().get(1).attempts().get(attempt).worker());
                    if (kill == 0) {
                        // Temporal's live view: the stage's state from the workflow query, progress from heartbeats
                        PipelineLauncher.LiveStatus live = harness.launcher.liveStatus(runId);
                        assertEquals(
                                "RUNNING", live.status().stages().get(1).state().name());
                        assertEquals("TrainBase", live.pending().get(0).type());
                    }
                } finally {
                    if (kill < KILLS - 1) {
                        child.destroyForcibly();
                        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                    } else {
                        child.destroy();
                        assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the stopped worker exits");
                        // 143 = 128 + SIGTERM after the shutdown hooks ran; a crash in PyTorch would be 134 (SIGABRT)
                        assertEquals(143, child.exitValue(), "the stopped worker exits cleanly");
                    }
                }
                checkpointBeforeKill.add(checkpoint(
                        harness.show(runId).stages().get(1).attempts().get(attempt)));
            }

            try (BagsflowWorker gpu = BagsflowWorker.start(
                    harness.endpoints,
                    List.of(TaskQueues.GPU),
                    new BagsflowHome(TestServices.home()),
                    "last-gpu-worker")) {
                assertEquals("SUCCEEDED", harness.launcher.await(runId).status().name());
            }

            List<AttemptView> attempts = harness.show(runId).stages().get(1).attempts();
            assertEquals(KILLS + 1, attempts.size(), attempts::toString);
            for (int kill = 0; kill < KILLS; kill++) {
                AttemptView killed = attempts.get(kill);
                assertEquals("FAILED", killed.status().name());
                assertEquals("child-worker-" + kill, killed.worker());
                assertTrue(
                        killed.error().startsWith(kill < KILLS - 1 ? "WorkerLost" : "WorkerStopped"), killed.error());
                AttemptView next = attempts.get(kill + 1);
                assertTrue(
                        next.resumedFromIteration() != null
                                && next.resumedFromIteration() >= checkpointBeforeKill.get(kill),
                        "attempt " + (kill + 2) + " resumed from " + next.resumedFromIteration() + ", checkpoint "
                                + "before kill " + (kill + 1) + ": " + checkpointBeforeKill.get(kill));
            }
            AttemptView last = attempts.get(KILLS);
            assertEquals("SUCCEEDED", last.status().name());
            assertEquals("last-gpu-worker", last.worker());
        }
    }

    private static int checkpoint(AttemptView attempt) {
        return attempt.progress() == null
                ? 0
                : attempt.progress().path("checkpoint_iteration").asInt(0);
    }

    /** A worker on the GPU queue only, in its own JVM, configured by environment variables. */
    private static Process startChildWorker(Path home, String identity) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                ChildWorker.class.getName(),
                "gpu",
                identity);
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

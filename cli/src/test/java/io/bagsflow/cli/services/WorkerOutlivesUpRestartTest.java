package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.worker.Eventually;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.embedded.TemporalCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stranded worker of the chaos soak: a GPU worker (its own process, {@code worker --queues gpu}) trains while
 * {@code up} stops and starts again, and the ports its PostgreSQL and S3 had are taken meanwhile, so they come back
 * elsewhere. The worker reads the state file again when they stop answering, follows them, and its training
 * attempt finishes the run. Needs the Temporal CLI's dev server (it keeps runs and its port across the restart).
 *
 * <p>It runs {@code up} twice and a worker as real processes and trains through the restart: 4-8 minutes on 2
 * cores, too long for the default suite (15 minutes in all), so it runs with the chaos soak, on request: {@code mvn
 * -pl cli -am -Pchaos test -Dtest=WorkerOutlivesUpRestartTest -Dsurefire.failIfNoSpecifiedTests=false}. The same
 * following of moved services is covered in the default suite by {@code WorkerFollowsServicesTest}.
 */
@Timeout(600)
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "bagsflow.chaos", matches = "true")
class WorkerOutlivesUpRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aGpuWorkerFollowsUpToItsNewPortsAndFinishesTheRun(@TempDir Path home) throws Exception {
        boolean required = "cli".equals(System.getenv(TemporalCli.ENGINE));
        Assumptions.assumeTrue(
                required || TemporalCli.find(System.getenv()).isPresent(),
                "the Temporal CLI is not installed (CI sets " + TemporalCli.ENGINE + "=cli to require it)");
        Map<String, String> env = Map.of(EnvironmentConfig.HOME, home.toString());
        Path spec = home.resolve("tiny.json");
        // a heartbeat timeout longer than up's restart: the attempt is expected to live through it
        Files.writeString(
                spec,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 23}},"
                        + " \"detector\": {\"iterations\": 300, \"checkpointInterval\": 30, \"progressInterval\": 10},"
                        + " \"generations\": [\"bags\"], \"timeouts\": {\"heartbeat_seconds\": 300}}");
        Process up = startUp(home);
        Process worker = null;
        List<ServerSocket> taken = new ArrayList<>();
        try {
            worker = startChild(home, List.of("worker", "--queues", "gpu"), "polling");
            CommandOutput start = CommandOutput.run(env, "pipeline", "start", spec.toString());
            assertEquals(0, start.exitCode(), start.out() + start.err());
            String runId = start.lastLine();
            waitFor(env, runId, r -> checkpoint(r) >= 30, 300);
            JsonNode before = JSON.readTree(home.resolve("state.json").toFile());

            stop(up);
            // someone else takes the ports PostgreSQL and S3 had: the restarted up must pick others
            for (Path portFile : List.of(home.resolve("postgres/port"), home.resolve("s3/port"))) {
                int port = Integer.parseInt(Files.readString(portFile).trim());
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                taken.add(s);
            }
            up = startUp(home);
            JsonNode after = JSON.readTree(home.resolve("state.json").toFile());
            assertNotEquals(
                    before.path("postgres").path("jdbc_url").asText(),
                    after.path("postgres").path("jdbc_url").asText());
            assertNotEquals(
                    before.path("s3").path("endpoint").asText(),
                    after.path("s3").path("endpoint").asText());

            JsonNode done = waitFor(env, runId, r -> !r.path("status").asText().equals("RUNNING"), 400);
            assertEquals("SUCCEEDED", done.path("status").asText(), done.toPrettyString());
            JsonNode training = done.path("stages").get(1).path("attempts");
            assertEquals(1, training.size(), "the attempt lived through the restart: " + training.toPrettyString());
            assertEquals("SUCCEEDED", training.get(0).path("status").asText(), training.toPrettyString());
            assertEquals(300, training.get(0).path("progress").path("step").asInt(), training.toPrettyString());
            assertTrue(worker.isAlive(), "the worker kept running");
        } finally {
            for (ServerSocket s : taken) {
                s.close();
            }
            if (worker != null) {
                stop(worker);
            }
            stop(up);
        }
    }

    private static int checkpoint(JsonNode run) {
        JsonNode attempts = run.path("stages").get(1).path("attempts");
        return attempts.size() == 0
                ? 0
                : attempts.get(attempts.size() - 1)
                        .path("progress")
                        .path("checkpoint_iteration")
                        .asInt(0);
    }

    private static JsonNode waitFor(Map<String, String> env, String runId, Predicate<JsonNode> condition, int seconds) {
        return Eventually.await(
                Duration.ofSeconds(seconds),
                () -> {
                    CommandOutput show = CommandOutput.run(env, "runs", "show", runId, "--json");
                    return show.exitCode() == 0 ? JSON.readTree(show.out()) : null;
                },
                v -> v != null && condition.test(v),
                "run " + runId + " gets there",
                v -> v == null ? "no answer" : v.toPrettyString());
    }

    /** {@code up} with only the cpu queue: training can only run on the separate GPU worker. */
    private static Process startUp(Path home) throws IOException {
        return startChild(home, List.of("up", "--queues", "cpu"), "ready in");
    }

    private static Process startChild(Path home, List<String> args, String readyLine) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ChildBagsflow.command(List.of("-Xmx1g"), args));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("BAGSFLOW_"));
        env.put(EnvironmentConfig.HOME, home.toString());
        env.put(TemporalCli.ENGINE, "cli");
        String cli = System.getenv(TemporalCli.CLI);
        if (cli != null) {
            env.put(TemporalCli.CLI, cli);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.contains(readyLine)) {
            seen.append(line).append('\n');
        }
        assertTrue(line != null, String.join(" ", args) + " did not start:\n" + seen);
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // stopped
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    /** SIGTERM, as Ctrl-C: up stops its services cleanly; SIGKILL only if it hangs. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

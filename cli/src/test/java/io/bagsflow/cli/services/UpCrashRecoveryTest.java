package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A power cut in the middle of TRAIN_BASE: {@code up} (in its own process, as a user runs it), its PostgreSQL and
 * its Temporal server are all killed with SIGKILL after the first checkpoint; {@code up} is started again on the
 * same home and the run finishes by itself, its training resumed from the checkpoint, its records truthful.
 * Once with the Temporal CLI's dev server (durable: Temporal itself carries the run on) and once with the
 * in-memory server ({@code up} starts the lost run again from PostgreSQL).
 */
@Timeout(600)
@EnabledIfSystemProperty(
        named = "bagsflow.long",
        matches = "true",
        disabledReason =
                "up killed and restarted on both Temporal engines takes minutes: it runs with -Plong (as .ci/run does)")
class UpCrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"cli", "memory"})
    void aRunSurvivesAPowerCutOfUp(String engine, @TempDir Path home) throws Exception {
        if (engine.equals("cli")) {
            boolean required = "cli".equals(System.getenv(TemporalCli.ENGINE));
            Assumptions.assumeTrue(
                    required || TemporalCli.find(System.getenv()).isPresent(),
                    "the Temporal CLI is not installed (CI sets " + TemporalCli.ENGINE + "=cli to require it)");
        }
        Map<String, String> env = Map.of(EnvironmentConfig.HOME, home.toString());
        Path spec = home.resolve("long-tiny.json");
        Files.writeString(
                spec,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 21}},"
                        + " \"detector\": {\"iterations\": 400, \"checkpointInterval\": 40, \"progressInterval\": 10},"
                        + " \"generations\": [\"bags\"]}");

        Up first = Up.start(home, engine);
        String runId;
        int checkpointed;
        try {
            CommandOutput start = CommandOutput.run(env, "pipeline", "start", spec.toString());
            assertEquals(0, start.exitCode(), start.out() + start.err());
            runId = start.lastLine();
            JsonNode training = waitFor(env, runId, r -> checkpoint(r) >= 40, 240);
            checkpointed = checkpoint(training);
        } finally {
            first.powerCut();
        }

        long t0 = System.nanoTime();
        try (Up second = Up.start(home, engine)) {
            double ready = (System.nanoTime() - t0) / 1e9;
            JsonNode resumed = waitFor(
                    env,
                    runId,
                    r -> lastTrainingAttempt(r).path("resumed_from_iteration").isNumber(),
                    240);
            double resumedAfter = (System.nanoTime() - t0) / 1e9;
            JsonNode done = waitFor(env, runId, r -> !r.path("status").asText().equals("RUNNING"), 300);
            assertEquals("SUCCEEDED", done.path("status").asText(), done.toPrettyString());

            JsonNode attempts = done.path("stages").get(1).path("attempts");
            JsonNode lost = attempts.get(0);
            assertEquals("FAILED", lost.path("status").asText(), attempts.toPrettyString());
            assertTrue(lost.path("error").asText().contains("worker lost"), lost.toPrettyString());
            JsonNode last = attempts.get(attempts.size() - 1);
            assertEquals("SUCCEEDED", last.path("status").asText(), attempts.toPrettyString());
            int from = last.path("resumed_from_iteration").asInt();
            assertTrue(from >= checkpointed, "resumed from " + from + ", checkpointed " + checkpointed);
            for (JsonNode stage : done.path("stages")) {
                for (JsonNode a : stage.path("attempts")) {
                    assertTrue(!a.path("status").asText().equals("RUNNING"), "left RUNNING: " + a);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "recovery (%s): up ready again after %.1f s, training resumed %.1f s "
                            + "after the restart from iteration %d (last checkpoint before the cut: %d)%n",
                    engine,
                    ready,
                    resumedAfter,
                    from,
                    checkpointed);
            assertTrue(resumed != null);
        }
    }

    private static int checkpoint(JsonNode run) {
        return lastTrainingAttempt(run)
                .path("progress")
                .path("checkpoint_iteration")
                .asInt(0);
    }

    private static JsonNode lastTrainingAttempt(JsonNode run) {
        JsonNode attempts = run.path("stages").get(1).path("attempts");
        return attempts.size() == 0 ? JSON.createObjectNode() : attempts.get(attempts.size() - 1);
    }

    /** Polls `runs show RUN --json` until the condition holds (null: the command failed, say while up restarts). */
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

    /** `bagsflow up` in a process of its own on a home. */
    private record Up(Process process, Path home) implements AutoCloseable {

        static Up start(Path home, String engine) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(ChildBagsflow.command(List.of("-Xmx2g"), List.of("up")));
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("BAGSFLOW_"));
            env.put(EnvironmentConfig.HOME, home.toString());
            env.put(TemporalCli.ENGINE, engine);
            String cli = System.getenv(TemporalCli.CLI);
            if (cli != null) {
                env.put(TemporalCli.CLI, cli);
            }
            pb.redirectErrorStream(true);
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ready in")) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "up did not start:\n" + seen);
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe empty
                    }
                } catch (IOException ignored) {
                    // killed
                }
            });
            drain.setDaemon(true);
            drain.start();
            return new Up(p, home);
        }

        /** SIGKILL for up and the servers it started, as a power cut would stop them. */
        void powerCut() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            for (long pid : List.of(
                    pidFromFirstLine(home.resolve("postgres/data/postmaster.pid")),
                    pidFromJson(home.resolve("temporal/server.json")))) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroyForcibly();
                    h.onExit().join();
                });
            }
        }

        private static long pidFromFirstLine(Path file) throws IOException {
            return Files.exists(file)
                    ? Long.parseLong(Files.readAllLines(file).get(0).trim())
                    : -1;
        }

        private static long pidFromJson(Path file) throws IOException {
            return Files.exists(file) ? JSON.readTree(file.toFile()).path("pid").asLong(-1) : -1;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                powerCut();
            }
        }
    }
}

package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.worker.TemporalConnection;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.HomeSecret;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.worker.embedded.TemporalCli;
import io.bagsflow.worker.embedded.TemporalGuard;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine shared with another account: {@code up} runs as this account on a home in a folder everyone may
 * enter, a second Unix user is created for the test (and deleted after), and as that user {@link
 * OtherAccountProbe} tries to read the home, log into PostgreSQL, use every UI and API route and the Temporal UI
 * without the secret, and list or terminate workflows through the Temporal endpoint. Every attempt must be refused;
 * the owner, meanwhile, gets in with the secret and the client certificate.
 */
@Timeout(600)
class AnotherLocalAccountTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anotherAccountCannotReadTheHomeLogIntoPostgresUseTheUiOrControlTemporal(@TempDir Path dir) throws Exception {
        assumeTrue(
                PrivateFiles.currentUid() == 0,
                "creating a second Unix user for this test needs root (CI runs it as root)");
        boolean cliRequired = "cli".equals(System.getenv(TemporalCli.ENGINE));
        assumeTrue(
                cliRequired || TemporalCli.find(System.getenv()).isPresent(),
                "the Temporal CLI is not installed (CI sets " + TemporalCli.ENGINE + "=cli to require it)");
        Optional<String> missing = TemporalGuard.missing(System.getenv());
        if (missing.isPresent()) {
            assertNull(
                    System.getenv("BAGSFLOW_REQUIRE_GUARD"),
                    "CI installs nginx (.ci/install-nginx.sh) so that the guard is tested: " + missing.get());
            assumeTrue(false, "the Temporal guard cannot be set up here: " + missing.get());
        }
        // only the home's own 0700 may keep the other account out, not a private folder above it
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = dir.resolve("home");
        Map<String, String> env = Map.of(EnvironmentConfig.HOME, home.toString());

        Process up = startUp(home);
        try {
            StateFile.State state =
                    StateFile.readLive(home.resolve("state.json")).orElseThrow();
            assertTrue(state.temporalInfo().guarded(), "up did not guard its Temporal");
            assertTrue(state.temporal().tls() != null, "state.json names no client certificate");

            // the owner starts a run through the proxy (the CLI presents the home's client certificate); with no
            // worker it stays RUNNING, something for the other account to try to terminate
            Path spec = dir.resolve("tiny.json");
            Files.writeString(spec, "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 3}}}");
            CommandOutput started = CommandOutput.run(env, "pipeline", "start", spec.toString());
            assertEquals(0, started.exitCode(), started.out() + started.err());
            String runId = started.lastLine();

            long temporalPid = JSON.readTree(
                            home.resolve("temporal/server.json").toFile())
                    .path("pid")
                    .asLong();
            assertNotEquals(
                    Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
                    Files.readSymbolicLink(Path.of("/proc/" + temporalPid + "/ns/net")),
                    "the dev server shares this machine's network namespace");

            String user = "bfother" + (100000 + new SecureRandom().nextInt(900000));
            run(List.of("useradd", "-M", "-s", "/bin/sh", user));
            List<String> lines;
            try {
                Path classpath = readableClasspath(dir.resolve("probe-classpath"));
                String pgPort =
                        Integer.toString(URI.create(state.postgres().jdbcUrl().substring("jdbc:".length()))
                                .getPort());
                List<String> probe = new ArrayList<>(List.of(
                        "runuser",
                        "-u",
                        user,
                        "--",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        classpath.toString() + "/*:" + classpath.resolve("classes"),
                        OtherAccountProbe.class.getName(),
                        home.toString(),
                        pgPort,
                        state.uiUrl(),
                        state.temporal().address(),
                        state.temporalInfo().ui(),
                        runId));
                ProcessBuilder pb = new ProcessBuilder(probe).redirectErrorStream(true);
                pb.environment().keySet().removeIf(k -> k.startsWith("BAGSFLOW_"));
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                System.out.println("as " + user + ":\n" + out);
                assertTrue(p.waitFor(240, TimeUnit.SECONDS), out);
                assertEquals(0, p.exitValue(), out);
                lines = out.lines()
                        .filter(l -> l.startsWith("refused ") || l.startsWith("OPEN "))
                        .toList();
                assertEquals(
                        List.of(),
                        lines.stream().filter(l -> l.startsWith("OPEN ")).toList(),
                        out);
                // 6 files, 5 logins, 18 UI routes, 3 Temporal UI paths, 2 calls over 2 or 3 ways into Temporal
                assertTrue(lines.size() >= 6 + 5 + 18 + 3 + 4, out);
            } finally {
                run(List.of("userdel", user));
            }

            // the owner, meanwhile: the secret opens the API, the client certificate reaches the workflow, which
            // the other account's terminate did not end
            String secret = HomeSecret.loadOrCreate(home.resolve("ui/secret"));
            HttpResponse<String> api = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(state.uiUrl()).resolve("/api/runs/" + runId))
                                    .header("Authorization", "Bearer " + secret)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, api.statusCode(), api.body());
            try (TemporalConnection owner = TemporalConnection.connect(state.temporal(), "owner")) {
                WorkflowExecutionStatus status = owner.stubs()
                        .blockingStub()
                        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                                .setNamespace(state.temporal().namespace())
                                .setExecution(WorkflowExecution.newBuilder()
                                        .setWorkflowId(runId)
                                        .build())
                                .build())
                        .getWorkflowExecutionInfo()
                        .getStatus();
                assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status);
            }
            assertFalse(lines.isEmpty());
        } finally {
            up.destroy();
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
        }
    }

    /** `bagsflow up --queues none` in a process of its own, until it says it is ready. */
    private static Process startUp(Path home) throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(ChildBagsflow.command(List.of("-Xmx1g"), List.of("up", "--queues", "none")));
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
        while ((line = out.readLine()) != null && !line.startsWith("ready in")) {
            seen.append(line).append('\n');
        }
        assertTrue(line != null, "up did not start:\n" + seen);
        assertTrue(seen.toString().contains("/?token="), "up prints the UI's URL with its token:\n" + seen);
        assertFalse(seen.toString().contains("every local account"), seen.toString());
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

    /**
     * This JVM's class path where the other account can read it (ours lies under /root): jars hard-linked (the
     * same disk) or copied, class folders copied, all in one folder the probe puts on its class path.
     */
    private static Path readableClasspath(Path target) throws IOException {
        Files.createDirectories(target.resolve("classes"));
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Path to = target.resolve("classes")
                                .resolve(p.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(to);
                        } else if (!Files.exists(to)) {
                            Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
            } else if (Files.isRegularFile(p) && !p.getFileName().toString().contains("native")) {
                Path to = target.resolve((i++) + "-" + p.getFileName());
                try {
                    Files.createLink(to, p);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(p, to);
                }
            }
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                if (!Files.isSymbolicLink(f)) {
                    Files.setPosixFilePermissions(
                            f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return target;
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, command + ": " + out);
    }
}

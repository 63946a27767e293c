package io.bagsflow.worker.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.SecretFiles;
import io.bagsflow.worker.config.TemporalEndpoint;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Temporal server of the embedded default: the Temporal CLI's {@code server start-dev}, bound to
 * 127.0.0.1, with workflow histories in a SQLite file under {@code BAGSFLOW_HOME/temporal}, so that runs in flight
 * survive a crash or restart of {@code up}. It also serves the Temporal Web UI.
 *
 * <p>Like the embedded PostgreSQL, a server left running by a killed {@code up} (a child process outlives a
 * SIGKILLed parent) still holds the SQLite file: it is found by the pid recorded in {@code server.json} and
 * stopped before a new one starts on the same file. The new one takes the same ports when they are free, so
 * workers started by hand against the old address reconnect by themselves.
 */
public final class TemporalDevServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);
    private static final ObjectMapper JSON = JsonMappers.strict();
    /** Start-up takes 2-5 s here; a slow disk or a first SQLite migration can take much longer. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final TemporalEndpoint endpoint;
    private final String uiAddress;

    private TemporalDevServer(Process process, TemporalEndpoint endpoint, String uiAddress) {
        this.process = process;
        this.endpoint = endpoint;
        this.uiAddress = uiAddress;
    }

    /** Starts the dev server with its state in {@code dir} (created private to its owner). */
    public static TemporalDevServer start(Path cli, Path dir, String namespace) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        Path stateFile = dir.resolve("server.json");
        Optional<JsonNode> previous = readState(stateFile);
        previous.ifPresent(TemporalDevServer::stopOrphan);
        int port = reusePort(previous, "grpc_port");
        int uiPort = reusePort(previous, "ui_port");
        if (uiPort == port) {
            uiPort = FreePort.find();
        }
        List<String> command = new ArrayList<>(List.of(
                cli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--ui-port",
                Integer.toString(uiPort),
                "--http-port",
                Integer.toString(FreePort.find()),
                "--metrics-port",
                Integer.toString(FreePort.find()),
                "--db-filename",
                dir.resolve("temporal.db").toString(),
                "--log-level",
                "warn"));
        if (!namespace.equals(TemporalEndpoint.DEFAULT_NAMESPACE)) {
            command.addAll(List.of("--namespace", namespace));
        }
        Path logFile = dir.resolve("server.log");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new ConfigurationException("cannot run the Temporal CLI " + cli + ": " + e.getMessage(), e);
        }
        TemporalEndpoint endpoint = new TemporalEndpoint("127.0.0.1:" + port, namespace);
        String ui = "http://127.0.0.1:" + uiPort;
        TemporalDevServer server = new TemporalDevServer(process, endpoint, ui);
        try {
            writeState(stateFile, process.pid(), port, uiPort);
            awaitReady(process, endpoint, logFile);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        log.info(
                "Temporal dev server pid {} on {} (UI {}, history in {})",
                process.pid(),
                endpoint.address(),
                ui,
                dir.resolve("temporal.db"));
        return server;
    }

    public TemporalEndpoint endpoint() {
        return endpoint;
    }

    /** The Temporal Web UI. */
    public String uiAddress() {
        return uiAddress;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until the frontend answers for the namespace, or fails naming the log when the server died. */
    private static void awaitReady(Process process, TemporalEndpoint endpoint, Path logFile) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        int port =
                Integer.parseInt(endpoint.address().substring(endpoint.address().lastIndexOf(':') + 1));
        while (!portOpen(port)) {
            check(process, logFile, deadline);
            sleep(100);
        }
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(endpoint.address())
                .setRpcTimeout(Duration.ofSeconds(5))
                .build());
        try {
            while (true) {
                try {
                    stubs.blockingStub()
                            .describeNamespace(DescribeNamespaceRequest.newBuilder()
                                    .setNamespace(endpoint.namespace())
                                    .build());
                    return;
                } catch (RuntimeException notYet) {
                    check(process, logFile, deadline);
                    sleep(200);
                }
            }
        } finally {
            stubs.shutdownNow();
            stubs.awaitTermination(2, TimeUnit.SECONDS);
        }
    }

    private static void check(Process process, Path logFile, long deadline) {
        if (!process.isAlive()) {
            throw new ConfigurationException(
                    "the Temporal dev server exited with code " + process.exitValue() + " at start; see " + logFile);
        }
        if (System.nanoTime() > deadline) {
            throw new ConfigurationException("the Temporal dev server did not answer within "
                    + READY_TIMEOUT.toSeconds() + " s; see " + logFile);
        }
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int reusePort(Optional<JsonNode> previous, String field) {
        int p = previous.map(n -> n.path(field).asInt(0)).orElse(0);
        return p > 0 && FreePort.isFree(p) ? p : FreePort.find();
    }

    private static Optional<JsonNode> readState(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SecretFiles.readJson(file));
        } catch (IOException e) {
            log.warn("ignoring unreadable {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static void writeState(Path file, long pid, int port, int uiPort) {
        ObjectNode n = JSON.createObjectNode();
        n.put("pid", pid);
        n.put("grpc_port", port);
        n.put("ui_port", uiPort);
        try {
            SecretFiles.writeJson(file, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Stops a dev server that a killed {@code up} left running on this home's SQLite file. */
    private static void stopOrphan(JsonNode state) {
        long pid = state.path("pid").asLong(0);
        Optional<ProcessHandle> handle = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (handle.isEmpty() || !handle.get().isAlive() || !isTemporal(handle.get())) {
            return;
        }
        log.warn("stopping the Temporal dev server (pid {}) that a previous `up` left running", pid);
        stop(handle.get());
    }

    private static boolean isTemporal(ProcessHandle p) {
        return p.info()
                        .commandLine()
                        .map(c -> c.contains("temporal") && c.contains("start-dev"))
                        .orElse(false)
                || p.info().command().map(c -> c.endsWith("temporal")).orElse(false);
    }

    /** SIGTERM lets the server close its SQLite file cleanly; SIGKILL only if it does not end in time. */
    private static void stop(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception slow) {
            p.destroyForcibly();
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more to do; the next start reports the port or file in use
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted while waiting for the Temporal dev server");
        }
    }

    @Override
    public void close() {
        // server.json stays: its ports are taken again by the next start when free
        stop(process.toHandle());
    }
}

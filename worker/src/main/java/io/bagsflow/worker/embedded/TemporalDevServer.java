package io.bagsflow.worker.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.worker.TemporalConnection;
import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.SecretFiles;
import io.bagsflow.worker.config.TemporalEndpoint;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
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
import java.util.Map;
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
    /** The folder of the bridge and proxy when guarded, else null. */
    private final Path guardDir;

    private Process proxy;

    private TemporalDevServer(Process process, TemporalEndpoint endpoint, String uiAddress, Path guardDir) {
        this.process = process;
        this.endpoint = endpoint;
        this.uiAddress = uiAddress;
        this.guardDir = guardDir;
    }

    /**
     * How the guarded server is reached: nginx (for the bridge in the namespace and the TLS proxy), the home's
     * authority, and the secret that the Temporal Web UI's side of the proxy asks for.
     */
    public record Guard(
            Path nginx, CertificateAuthority authority, String uiSecret, Map<String, String> env, String bind) {
        public Guard(Path nginx, CertificateAuthority authority, String uiSecret, Map<String, String> env) {
            this(nginx, authority, uiSecret, env, null);
        }
    }

    /** The inner ports: in a namespace of its own, the server can always take the same ones. */
    private static final int INNER_GRPC = 7233;

    private static final int INNER_UI = 8233;

    /** Starts the dev server with its state in {@code dir}, open to every local account (no guard). */
    public static TemporalDevServer start(Path cli, Path dir, String namespace) {
        return start(cli, dir, namespace, null);
    }

    /**
     * Starts the dev server with its state in {@code dir} (created private to its owner). With a {@code guard},
     * the server runs in its own network namespace behind the TLS proxy ({@link TemporalGuard}); without one it
     * listens on 127.0.0.1, where every local account reaches it.
     */
    public static TemporalDevServer start(Path cli, Path dir, String namespace, Guard guard) {
        PrivateFiles.createDirectories(dir);
        Path stateFile = dir.resolve("server.json");
        Optional<JsonNode> previous = readState(stateFile);
        previous.ifPresent(TemporalDevServer::stopOrphan);
        Nginx.stopOrphan(dir, BRIDGE);
        Nginx.stopOrphan(dir, PROXY);
        int port = reusePort(previous, "grpc_port");
        int uiPort = reusePort(previous, "ui_port");
        if (uiPort == port) {
            uiPort = FreePort.find();
        }
        boolean guarded = guard != null;
        List<String> command = new ArrayList<>(List.of(
                cli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(guarded ? INNER_GRPC : port),
                "--ui-port",
                Integer.toString(guarded ? INNER_UI : uiPort),
                "--http-port",
                Integer.toString(guarded ? 7243 : FreePort.find()),
                "--metrics-port",
                Integer.toString(guarded ? 9233 : FreePort.find()),
                "--db-filename",
                dir.resolve("temporal.db").toString(),
                "--log-level",
                "warn"));
        if (!namespace.equals(TemporalEndpoint.DEFAULT_NAMESPACE)) {
            command.addAll(List.of("--namespace", namespace));
        }
        Path logFile = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(command);
        if (guarded) {
            builder = isolated(builder, command, dir, guard);
        }
        Process process;
        try {
            process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new ConfigurationException("cannot run the Temporal CLI " + cli + ": " + e.getMessage(), e);
        }
        TemporalEndpoint endpoint = new TemporalEndpoint(
                "127.0.0.1:" + port, namespace, guarded ? guard.authority().clientFiles() : null);
        String ui = "http://127.0.0.1:" + uiPort;
        TemporalDevServer server = new TemporalDevServer(process, endpoint, ui, guarded ? dir : null);
        try {
            writeState(stateFile, process.pid(), port, uiPort);
            if (guarded) {
                awaitBridge(process, dir, logFile);
                server.proxy = Nginx.start(
                        Nginx.prepare(guard.nginx(), dir, PROXY, proxyConfig(dir, port, uiPort, guard)), dir, PROXY);
            }
            awaitReady(process, endpoint, logFile, server.proxy, dir);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        log.info(
                "Temporal dev server pid {} on {} (UI {}, history in {}{})",
                process.pid(),
                endpoint.address(),
                ui,
                dir.resolve("temporal.db"),
                guarded
                        ? "; in its own network namespace behind a TLS proxy that needs the home's client certificate"
                        : "");
        return server;
    }

    private static final String BRIDGE = "bridge";
    private static final String PROXY = "proxy";

    /**
     * The server's command run inside a new network namespace whose loopback is brought up first, beside the
     * bridge nginx that makes its gRPC and UI ports reachable through Unix sockets in {@code dir} (sockets are
     * files: they cross namespaces, and the 0700 home keeps other accounts from them). The shell execs the server,
     * so the process we hold is the server itself.
     */
    private static ProcessBuilder isolated(ProcessBuilder plain, List<String> command, Path dir, Guard guard) {
        deleteQuietly(dir.resolve("frontend.sock"));
        deleteQuietly(dir.resolve("ui.sock"));
        List<String> bridge = Nginx.prepare(guard.nginx(), dir, BRIDGE, bridgeConfig(dir));
        Path unshare = TemporalGuard.program("unshare", guard.env())
                .orElseThrow(() -> new ConfigurationException("unshare (util-linux) is not installed"));
        Path ip = TemporalGuard.program("ip", guard.env())
                .orElseThrow(() -> new ConfigurationException("ip (iproute2) is not installed"));
        List<String> wrapped = new ArrayList<>(TemporalGuard.namespacePrefix(unshare));
        wrapped.addAll(List.of(
                "sh",
                "-c",
                "umask 077; \"$BF_IP\" link set lo up || exit 97; \"$BF_NGINX\" -p \"$BF_PREFIX\" -c \"$BF_CONF\" "
                        + "-e \"$BF_ERR\" >>\"$BF_OUT\" 2>&1 & exec \"$@\"",
                "bagsflow-temporal"));
        wrapped.addAll(command);
        ProcessBuilder b = new ProcessBuilder(wrapped);
        b.environment().put("BF_IP", ip.toString());
        b.environment().put("BF_NGINX", bridge.get(0));
        b.environment().put("BF_PREFIX", bridge.get(2));
        b.environment().put("BF_CONF", bridge.get(4));
        b.environment().put("BF_ERR", bridge.get(6));
        b.environment().put("BF_OUT", dir.resolve(BRIDGE + ".out").toString());
        return b;
    }

    private static String bridgeConfig(Path dir) {
        // connections to the server are kept open: every gRPC call would otherwise open a new one
        return Nginx.header(dir, BRIDGE)
                + "  upstream temporal_server {\n    server 127.0.0.1:" + INNER_GRPC + ";\n    keepalive 32;\n  }\n"
                + "  server {\n    listen unix:" + dir.resolve("frontend.sock") + " http2;\n"
                + "    client_max_body_size 0;\n    keepalive_requests 1000000;\n    keepalive_timeout 1h;\n"
                + "    location / {\n      grpc_pass grpc://temporal_server;\n"
                + "      grpc_read_timeout 600s;\n      grpc_send_timeout 600s;\n    }\n  }\n"
                + "  server {\n    listen unix:" + dir.resolve("ui.sock") + ";\n"
                + "    location / {\n      proxy_pass http://127.0.0.1:" + INNER_UI + ";\n"
                + "      proxy_http_version 1.1;\n      proxy_read_timeout 600s;\n    }\n  }\n}\n";
    }

    /**
     * The only door from the machine: TLS with a client certificate of the home's authority for gRPC (long polls
     * last about a minute, so the read timeouts are far longer), and the home's UI secret for the Temporal Web UI
     * (its {@code ?token=} URL sets a cookie, as bagsflow's own UI does).
     */
    private static String proxyConfig(Path dir, int port, int uiPort, Guard guard) {
        CertificateAuthority ca = guard.authority();
        String cookieName = "bagsflow_temporal_" + uiPort;
        String cookie = sha256(guard.uiSecret() + ":temporal-ui:" + uiPort);
        return Nginx.header(dir, PROXY)
                + "  upstream temporal_frontend {\n    server unix:" + dir.resolve("frontend.sock") + ";\n"
                + "    keepalive 32;\n  }\n"
                + "  server {\n    listen 127.0.0.1:" + port + " ssl http2;\n"
                // up --bind: the same mTLS door on the address other machines reach (never the Web UI's)
                + (guard.bind() == null
                        ? ""
                        : "    listen " + (guard.bind().contains(":") ? "[" + guard.bind() + "]" : guard.bind()) + ":"
                                + port + " ssl http2;\n")
                + "    ssl_certificate " + ca.serverCertificate() + ";\n"
                + "    ssl_certificate_key " + ca.serverKey() + ";\n"
                + "    ssl_client_certificate " + ca.caCertificate() + ";\n"
                + "    ssl_verify_client on;\n    ssl_verify_depth 1;\n    ssl_protocols TLSv1.2 TLSv1.3;\n"
                + "    client_max_body_size 0;\n    keepalive_requests 1000000;\n    keepalive_timeout 1h;\n"
                + "    location / {\n      grpc_pass grpc://temporal_frontend;\n"
                + "      grpc_read_timeout 600s;\n      grpc_send_timeout 600s;\n    }\n  }\n"
                + "  server {\n    listen 127.0.0.1:" + uiPort + ";\n    location / {\n"
                + "      if ($arg_token = \"" + guard.uiSecret() + "\") {\n"
                + "        add_header Set-Cookie \"" + cookieName + "=" + cookie
                + "; Path=/; HttpOnly; SameSite=Strict\";\n"
                + "        return 303 /;\n      }\n"
                + "      if ($cookie_" + cookieName + " != \"" + cookie + "\") {\n"
                + "        return 401 \"this Temporal UI needs the home's secret: open the URL that up printed\\n\";\n"
                + "      }\n      proxy_pass http://unix:" + dir.resolve("ui.sock") + ";\n"
                + "      proxy_http_version 1.1;\n      proxy_read_timeout 600s;\n    }\n  }\n}\n";
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the bridge's socket: the namespace is up and the bridge listens (the server may still start). */
    private static void awaitBridge(Process process, Path dir, Path logFile) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Path socket = dir.resolve("frontend.sock");
        while (!Files.exists(socket)) {
            if (!process.isAlive() && process.exitValue() == 97) {
                throw new ConfigurationException(
                        "cannot bring up the loopback of the Temporal server's network " + "namespace; see " + logFile);
            }
            if (Nginx.errors(dir, BRIDGE).contains("[emerg]")) {
                throw new ConfigurationException(
                        "the nginx bridge of the Temporal server did not start: " + Nginx.errors(dir, BRIDGE));
            }
            check(process, logFile, deadline);
            sleep(50);
        }
    }

    public TemporalEndpoint endpoint() {
        return endpoint;
    }

    /** Whether only holders of the home's client certificate reach this server. */
    public boolean guarded() {
        return guardDir != null;
    }

    /** The Temporal Web UI. */
    public String uiAddress() {
        return uiAddress;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until the frontend answers for the namespace, or fails naming the log when the server died. */
    private static void awaitReady(Process process, TemporalEndpoint endpoint, Path logFile, Process proxy, Path dir) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        int port =
                Integer.parseInt(endpoint.address().substring(endpoint.address().lastIndexOf(':') + 1));
        while (!portOpen(port)) {
            check(process, logFile, deadline);
            checkProxy(proxy, dir);
            sleep(100);
        }
        WorkflowServiceStubs stubs =
                WorkflowServiceStubs.newServiceStubs(TemporalConnection.options(endpoint, Duration.ofSeconds(5)));
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
                    checkProxy(proxy, dir);
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

    private static void checkProxy(Process proxy, Path dir) {
        if (proxy != null && !proxy.isAlive()) {
            throw new ConfigurationException("the TLS proxy (nginx) in front of Temporal exited with code "
                    + proxy.exitValue() + ": " + Nginx.errors(dir, PROXY));
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
        try {
            stop(process.toHandle());
        } finally {
            if (guardDir != null) {
                Nginx.running(guardDir, BRIDGE).ifPresent(Nginx::stop);
                if (proxy != null) {
                    Nginx.stop(proxy.toHandle());
                }
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}

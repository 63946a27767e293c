package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.embedded.CertificateAuthority;
import io.bagsflow.worker.embedded.TemporalCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts made of network namespaces: "services" runs {@code up --bind} on a private address, "worker" (its own
 * home, no shared folder) joins with a copy of the connection file only. The namespaces, their veth pair and their
 * 10.x addresses are made here and deleted after; without {@code ip netns} (root) the test is skipped and says why.
 */
@Timeout(600)
class NetworkNamespacesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_ID = Pattern.compile("run-[0-9]{8}-[0-9]{6}-[0-9a-f]+");

    private final String id = randomHex();
    private final String services = "bfs-" + id;
    private final String workers = "bfw-" + id;
    /** 10.231.N.0/24, N from the id: tests of two checkouts at once do not share a subnet. */
    private final String subnet = "10.231." + (Integer.parseInt(id.substring(0, 2), 16) % 250 + 1);

    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void makeTwoHosts() throws Exception {
        boolean required = "cli".equals(System.getenv(TemporalCli.ENGINE));
        Assumptions.assumeTrue(
                required || TemporalCli.find(System.getenv()).isPresent(),
                "the Temporal CLI is not installed (CI sets " + TemporalCli.ENGINE + "=cli to require it)");
        Result probe = sh(List.of("ip", "netns", "add", services));
        Assumptions.assumeTrue(
                probe.code() == 0,
                "network namespaces are not available here (`ip netns add` needs root and iproute2): " + probe.out());
        must("ip", "netns", "add", workers);
        must("ip", "link", "add", "bfs" + id, "type", "veth", "peer", "name", "bfw" + id);
        must("ip", "link", "set", "bfs" + id, "netns", services);
        must("ip", "link", "set", "bfw" + id, "netns", workers);
        must("ip", "-n", services, "addr", "add", subnet + ".1/24", "dev", "bfs" + id);
        must("ip", "-n", workers, "addr", "add", subnet + ".2/24", "dev", "bfw" + id);
        for (String ns : List.of(services, workers)) {
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "-n", services, "link", "set", "bfs" + id, "up");
        must("ip", "-n", workers, "link", "set", "bfw" + id, "up");
    }

    @AfterEach
    void removeThem() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            stop(started.get(i));
        }
        sh(List.of("ip", "netns", "del", workers));
        sh(List.of("ip", "netns", "del", services));
    }

    @Test
    void aWorkerOnAnotherHostJoinsOverTlsOnlyAndRunsTheGpuStages(@TempDir Path dir) throws Exception {
        Path upHome = Files.createDirectories(dir.resolve("services-home"));
        Path workerHome = Files.createDirectories(dir.resolve("worker-home"));
        String address = subnet + ".1";
        started.add(start(services, upHome, List.of("up", "--bind", address, "--queues", "cpu"), "ready in"));

        Path connection = upHome.resolve("connection.json");
        JsonNode file = JSON.readTree(connection.toFile());
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(connection)));
        assertTrue(file.path("s3").path("endpoint").asText().startsWith("https://" + address + ":"), file.toString());
        assertTrue(file.path("temporal").path("address").asText().startsWith(address + ":"), file.toString());
        // the worker host gets a copy of the file, nothing else of the services' home
        Path copy = workerHome.resolve("from-services.json");
        Files.copy(connection, copy);

        // a tampered authority: the worker refuses at start, in one line, before it sends any credential
        Path tampered = workerHome.resolve("tampered.json");
        ObjectNode bad = (ObjectNode) JSON.readTree(copy.toFile());
        CertificateAuthority other = CertificateAuthority.ensure(dir.resolve("other/tls"), List.of("127.0.0.1"));
        ((ObjectNode) bad.path("tls")).put("ca_certificate", Files.readString(other.caCertificate()));
        Files.writeString(tampered, bad.toString());
        Result refused =
                run(workers, workerHome, List.of("worker", "--connect", tampered.toString(), "--queues", "gpu"));
        assertFalse(refused.code() == 0, refused.out());
        List<String> errors =
                refused.out().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), refused.out());
        assertTrue(errors.get(0).contains("refused to join") && errors.get(0).contains("not signed"), refused.out());

        // plaintext from the worker host is refused by the server itself
        String pgPort = file.path("postgres").path("jdbc_url").asText().replaceFirst(".*:([0-9]+)/.*", "$1");
        String s3Plain = Files.readString(upHome.resolve("s3/port")).trim();
        Result plain = sh(List.of(
                "ip",
                "netns",
                "exec",
                workers,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PlaintextProbe.class.getName(),
                address,
                pgPort,
                file.path("postgres").path("user").asText(),
                file.path("postgres").path("password").asText(),
                s3Plain));
        assertTrue(plain.out().contains("PLAINTEXT-REFUSED postgres"), plain.out());
        assertTrue(plain.out().contains("no encryption"), plain.out());
        assertTrue(plain.out().contains("PLAINTEXT-REFUSED s3"), plain.out());

        Result doctor = run(workers, workerHome, List.of("doctor", "--connect", copy.toString()));
        assertTrue(doctor.out().contains("PostgreSQL") && !doctor.out().contains("FAILED"), doctor.out());

        started.add(start(
                workers, workerHome, List.of("worker", "--connect", copy.toString(), "--queues", "gpu"), "polling"));
        Path spec = upHome.resolve("tiny.json");
        Files.writeString(
                spec,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 5}},"
                        + " \"detector\": {\"iterations\": 60, \"checkpointInterval\": 20},"
                        + " \"generations\": [\"bags\"]}");
        Result pipeline = run(services, upHome, List.of("pipeline", "start", spec.toString(), "--wait"));
        assertEquals(0, pipeline.code(), pipeline.out());
        Matcher m = RUN_ID.matcher(pipeline.out());
        assertTrue(m.find(), pipeline.out());
        Result show = run(services, upHome, List.of("runs", "show", m.group(), "--json"));
        JsonNode run = JSON.readTree(show.out().substring(show.out().indexOf('{')));
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toPrettyString());
        int gpuAttempts = 0;
        for (JsonNode stage : run.path("stages")) {
            String name = stage.path("stage").asText(stage.path("name").asText());
            if (name.equals("TRAIN_BASE") || name.equals("FINETUNE_BAGS")) {
                for (JsonNode a : stage.path("attempts")) {
                    gpuAttempts++;
                    assertTrue(a.path("worker").asText().startsWith("remote-"), a.toPrettyString());
                }
            }
        }
        assertTrue(gpuAttempts >= 2, run.toPrettyString());
        // the worker host's home holds its own cache and the certificates, never the services' data
        assertFalse(Files.exists(workerHome.resolve("postgres")));
        assertFalse(Files.exists(workerHome.resolve("s3")));
    }

    private record Result(int code, String out) {}

    private static String randomHex() {
        byte[] bytes = new byte[3];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private Process start(String ns, Path home, List<String> args, String readyLine) throws IOException {
        Process p = inNamespace(ns, home, args).start();
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

    private Result run(String ns, Path home, List<String> args) throws Exception {
        Process p = inNamespace(ns, home, args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
        return new Result(p.exitValue(), out);
    }

    /** {@code ip netns exec NS java ... Main ARGS} (ip keeps the environment), on its own home. */
    private static ProcessBuilder inNamespace(String ns, Path home, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(ChildBagsflow.command(List.of("-Xmx1g"), args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("BAGSFLOW_"));
        env.put(EnvironmentConfig.HOME, home.toString());
        env.put(TemporalCli.ENGINE, "cli");
        String cli = System.getenv(TemporalCli.CLI);
        if (cli != null) {
            env.put(TemporalCli.CLI, cli);
        }
        return pb;
    }

    private static Result sh(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return new Result(p.exitValue(), out);
    }

    private static void must(String... command) throws Exception {
        Result r = sh(List.of(command));
        assertEquals(0, r.code(), String.join(" ", command) + ": " + r.out());
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

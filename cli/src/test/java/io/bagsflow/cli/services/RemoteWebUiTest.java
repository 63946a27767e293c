package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --bind ADDRESS --bind-ui} serves the web UI on ADDRESS over HTTPS only, with a certificate of the home's
 * authority: from another host ({@link NamespaceHosts}), curl with that authority (the copy in connection.json) gets
 * the API, curl without it fails the handshake, and plain HTTP on the port gets no HTTP answer at all.
 */
@Timeout(600)
@EnabledIfSystemProperty(
        named = "bagsflow.hosts",
        matches = "true",
        disabledReason = "up --bind across network namespaces takes a minute: it runs with -Phosts (as .ci/run does)")
class RemoteWebUiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NamespaceHosts hosts;

    @BeforeEach
    void makeTwoHosts() throws Exception {
        hosts = NamespaceHosts.make("10.233", 1);
    }

    @AfterEach
    void removeThem() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void theWebUiOnTheBindAddressAnswersOverHttpsWithTheHomesAuthorityAndNeverOverPlainHttp(@TempDir Path dir)
            throws Exception {
        Path upHome = Files.createDirectories(dir.resolve("services-home"));
        Path workerHome = Files.createDirectories(dir.resolve("worker-home"));
        String address = hosts.servicesAddress();
        NamespaceHosts.Child up = hosts.start(
                hosts.services(),
                upHome,
                List.of("up", "--bind", address, "--bind-ui", "--queues", "none"),
                "ready in");

        Matcher printed = Pattern.compile("Web UI \\(other machines\\)\\s*\\|?\\s*(https://" + Pattern.quote(address)
                        + ":([0-9]+)/\\?token=([A-Za-z0-9_-]+))")
                .matcher(up.output());
        assertTrue(printed.find(), up.output());
        String port = printed.group(2);
        String secret = printed.group(3);
        assertEquals(Files.readString(upHome.resolve("ui/secret")).trim(), secret);
        // the worker host has the authority from its copy of connection.json, nothing else of the services' home
        JsonNode connection = JSON.readTree(upHome.resolve("connection.json").toFile());
        Path ca = workerHome.resolve("ca.crt");
        Files.writeString(ca, connection.path("tls").path("ca_certificate").asText());
        String base = "https://" + address + ":" + port;

        Curl runs =
                curl(List.of("--cacert", ca.toString(), "-H", "Authorization: Bearer " + secret, base + "/api/runs"));
        assertEquals(0, runs.code(), runs.toString());
        assertTrue(runs.out().endsWith("\n200"), runs.toString());
        assertTrue(
                JSON.readTree(runs.out().substring(0, runs.out().lastIndexOf('\n')))
                        .isContainerNode(),
                runs.toString());

        Curl noSecret = curl(List.of("--cacert", ca.toString(), base + "/api/runs"));
        assertTrue(noSecret.out().endsWith("\n401"), noSecret.toString());

        // without the home's authority the certificate is not trusted (curl: 60, peer certificate not verified)
        Curl untrusted = curl(List.of("-H", "Authorization: Bearer " + secret, base + "/api/runs"));
        assertEquals(60, untrusted.code(), untrusted.toString());

        // plain HTTP on the same port: no HTTP answer (curl prints status 000)
        Curl plain =
                curl(List.of("-H", "Authorization: Bearer " + secret, "http://" + address + ":" + port + "/api/runs"));
        assertNotEquals(0, plain.code(), plain.toString());
        assertTrue(plain.out().endsWith("\n000"), plain.toString());
    }

    /** What curl printed: its stdout (the body, then a line with the HTTP status; 000: no HTTP answer), stderr. */
    private record Curl(int code, String out, String err) {
        @Override
        public String toString() {
            return "curl exit " + code + ", stdout: " + out + ", stderr: " + err;
        }
    }

    /** curl in the worker's namespace. */
    private Curl curl(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "ip", "netns", "exec", hosts.worker(0), "curl", "-sS", "--max-time", "30", "-w", "\n%{http_code}"));
        cmd.addAll(args);
        Path err = Files.createTempFile("curl", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", cmd));
            return new Curl(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}

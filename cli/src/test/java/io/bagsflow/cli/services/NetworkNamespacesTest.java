package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.worker.embedded.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Two hosts made of network namespaces ({@link NamespaceHosts}): "services" runs {@code up --bind} on a private
 * address, "worker" (its own home, no shared folder) joins with a copy of the connection file only. The namespaces,
 * their links and their 10.231.x addresses are made here and deleted after; without {@code ip netns} (root) the test
 * is skipped and says why.
 */
@Timeout(600)
@EnabledIfSystemProperty(
        named = "bagsflow.hosts",
        matches = "true",
        disabledReason =
                "up --bind and a remote worker across network namespaces take minutes: it runs with -Phosts (as .ci/run does)")
class NetworkNamespacesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_ID = Pattern.compile("run-[0-9]{8}-[0-9]{6}-[0-9a-f]+");

    private NamespaceHosts hosts;
    private String services;
    private String workers;

    @BeforeEach
    void makeTwoHosts() throws Exception {
        hosts = NamespaceHosts.make("10.231", 1);
        services = hosts.services();
        workers = hosts.worker(0);
    }

    @AfterEach
    void removeThem() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void aWorkerOnAnotherHostJoinsOverTlsOnlyAndRunsTheGpuStages(@TempDir Path dir) throws Exception {
        Path upHome = Files.createDirectories(dir.resolve("services-home"));
        Path workerHome = Files.createDirectories(dir.resolve("worker-home"));
        String address = hosts.servicesAddress();
        hosts.start(services, upHome, List.of("up", "--bind", address, "--queues", "cpu"), "ready in");

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
        NamespaceHosts.Result refused =
                hosts.run(workers, workerHome, List.of("worker", "--connect", tampered.toString(), "--queues", "gpu"));
        assertFalse(refused.code() == 0, refused.out());
        List<String> errors =
                refused.out().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), refused.out());
        assertTrue(errors.get(0).contains("refused to join") && errors.get(0).contains("not signed"), refused.out());

        // plaintext from the worker host is refused by the server itself
        String pgPort = file.path("postgres").path("jdbc_url").asText().replaceFirst(".*:([0-9]+)/.*", "$1");
        String s3Plain = Files.readString(upHome.resolve("s3/port")).trim();
        NamespaceHosts.Result plain = hosts.java(
                workers,
                PlaintextProbe.class,
                List.of(
                        address,
                        pgPort,
                        file.path("postgres").path("user").asText(),
                        file.path("postgres").path("password").asText(),
                        s3Plain));
        assertTrue(plain.out().contains("PLAINTEXT-REFUSED postgres"), plain.out());
        assertTrue(plain.out().contains("no encryption"), plain.out());
        assertTrue(plain.out().contains("PLAINTEXT-REFUSED s3"), plain.out());

        NamespaceHosts.Result doctor = hosts.run(workers, workerHome, List.of("doctor", "--connect", copy.toString()));
        assertTrue(doctor.out().contains("PostgreSQL") && !doctor.out().contains("FAILED"), doctor.out());

        hosts.start(workers, workerHome, List.of("worker", "--connect", copy.toString(), "--queues", "gpu"), "polling");
        Path spec = upHome.resolve("tiny.json");
        Files.writeString(
                spec,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 5}},"
                        + " \"detector\": {\"iterations\": 60, \"checkpointInterval\": 20},"
                        + " \"generations\": [\"bags\"]}");
        NamespaceHosts.Result pipeline =
                hosts.run(services, upHome, List.of("pipeline", "start", spec.toString(), "--wait"));
        assertEquals(0, pipeline.code(), pipeline.out());
        Matcher m = RUN_ID.matcher(pipeline.out());
        assertTrue(m.find(), pipeline.out());
        NamespaceHosts.Result show = hosts.run(services, upHome, List.of("runs", "show", m.group(), "--json"));
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
}

package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --bind ADDRESS --rotate-certs} across two network namespaces ({@link NamespaceHosts}): the home's authority
 * and its certificates are made anew, {@code connection.json} is written again with them, and from the worker's host
 * the old file is refused (its authority signed none of the servers' certificates now) as is the old client
 * certificate beside the new authority (the Temporal proxy no longer trusts it), while the new file passes.
 */
@Timeout(600)
@EnabledIfSystemProperty(
        named = "bagsflow.hosts",
        matches = "true",
        disabledReason =
                "two starts of up --bind and a remote worker across network namespaces take minutes: it runs with -Phosts (as .ci/run does)")
class CertificateRotationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NamespaceHosts hosts;

    @BeforeEach
    void makeTwoHosts() throws Exception {
        hosts = NamespaceHosts.make("10.232", 1);
    }

    @AfterEach
    void removeThem() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void rotatedCertificatesRefuseTheOldConnectionFileAndTheOldClientCertificate(@TempDir Path dir) throws Exception {
        Path upHome = Files.createDirectories(dir.resolve("services-home"));
        Path workerHome = Files.createDirectories(dir.resolve("worker-home"));
        List<String> up = List.of("up", "--bind", hosts.servicesAddress(), "--queues", "cpu");
        NamespaceHosts.Child first = hosts.start(hosts.services(), upHome, up, "ready in");
        Path old = workerHome.resolve("old.json");
        Files.copy(upHome.resolve("connection.json"), old);
        hosts.stop(first);

        List<String> rotating = new ArrayList<>(up);
        rotating.add("--rotate-certs");
        NamespaceHosts.Child second = hosts.start(hosts.services(), upHome, rotating, "ready in");
        Path connection = upHome.resolve("connection.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(connection)));
        JsonNode before = JSON.readTree(old.toFile());
        JsonNode after = JSON.readTree(connection.toFile());
        for (String key : List.of("ca_certificate", "client_certificate", "client_key")) {
            assertNotEquals(before.path("tls").path(key), after.path("tls").path(key), key + " is new");
        }
        // the logins and addresses stay: only what TLS rests on changed
        assertEquals(before.path("postgres"), after.path("postgres"));
        assertEquals(before.path("temporal"), after.path("temporal"));
        assertTrue(second.output().contains("--rotate-certs"), second.output());

        // the old file: its authority signed none of the servers' certificates now, refused before any credential
        NamespaceHosts.Result refused = hosts.run(
                hosts.worker(0), workerHome, List.of("worker", "--connect", old.toString(), "--queues", "gpu"));
        assertNotEquals(0, refused.code(), refused.out());
        List<String> errors =
                refused.out().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), refused.out());
        assertTrue(errors.get(0).contains("not signed"), refused.out());

        // the new authority with the old client certificate: the servers' certificates pass, the proxy refuses it
        Path mixed = workerHome.resolve("old-client.json");
        ObjectNode m = (ObjectNode) JSON.readTree(connection.toFile());
        ((ObjectNode) m.path("tls"))
                .put(
                        "client_certificate",
                        before.path("tls").path("client_certificate").asText())
                .put("client_key", before.path("tls").path("client_key").asText());
        Files.writeString(mixed, m.toString());
        NamespaceHosts.Result oldClient =
                hosts.run(hosts.worker(0), workerHome, List.of("doctor", "--connect", mixed.toString()));
        List<String> temporal =
                oldClient.out().lines().filter(l -> l.startsWith("Temporal")).toList();
        assertFalse(temporal.isEmpty(), oldClient.out());
        assertTrue(temporal.get(0).contains("FAILED"), oldClient.out());
        assertTrue(
                oldClient.out().lines().anyMatch(l -> l.startsWith("PostgreSQL") && !l.contains("FAILED")),
                oldClient.out());

        Path fresh = workerHome.resolve("connection.json");
        Files.copy(connection, fresh);
        NamespaceHosts.Result ok =
                hosts.run(hosts.worker(0), workerHome, List.of("doctor", "--connect", fresh.toString()));
        assertTrue(ok.out().contains("Temporal") && !ok.out().contains("FAILED"), ok.out());
    }
}

package io.bagsflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

    @Test
    void aPasswordFromTheEnvironmentNeverReachesTheStateFile(@TempDir Path home) throws Exception {
        EnvironmentConfig env = new EnvironmentConfig(Map.of(
                EnvironmentConfig.HOME, home.toString(),
                EnvironmentConfig.JDBC_URL, "jdbc:postgresql://db.example.org:5432/bagsflow",
                EnvironmentConfig.JDBC_PASSWORD, "env-db-password",
                EnvironmentConfig.S3_ENDPOINT, "http://minio:9000",
                EnvironmentConfig.S3_ACCESS_KEY, "env-access",
                EnvironmentConfig.S3_SECRET_KEY, "env-s3-secret"));
        Endpoints running = new Endpoints(
                env.postgres().orElseThrow(),
                env.s3().orElseThrow(),
                new TemporalEndpoint("127.0.0.1:7233", "default"));
        Path file = env.home().stateFile();

        StateFile.write(
                file, StateFile.State.embeddedOnly(ProcessHandle.current().pid(), running, env));

        String written = Files.readString(file);
        assertFalse(written.contains("env-db-password"), written);
        assertFalse(written.contains("env-s3-secret"), written);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        StateFile.State state = StateFile.readLive(file).orElseThrow();
        assertNull(state.postgres());
        assertNull(state.s3());
        assertEquals("127.0.0.1:7233", state.temporal().address());
        // the other commands still find the services: through the same variables
        assertEquals("env-db-password", EndpointResolver.resolve(env).postgres().password());
    }

    @Test
    void theGeneratedPasswordsOfEmbeddedServicesAreKeptOwnerOnly(@TempDir Path home) throws Exception {
        EnvironmentConfig env = new EnvironmentConfig(Map.of(EnvironmentConfig.HOME, home.toString()));
        Endpoints embedded = new Endpoints(
                new PostgresEndpoint("jdbc:postgresql://127.0.0.1:5/bagsflow", "bagsflow", "generated"),
                new S3Endpoint("http://127.0.0.1:6", "a", "s", "bagsflow"),
                new TemporalEndpoint("127.0.0.1:7", "default"));
        StateFile.write(env.home().stateFile(), StateFile.State.embeddedOnly(1, embedded, env));
        assertTrue(Files.readString(env.home().stateFile()).contains("generated"));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(env.home().stateFile())));
    }
}

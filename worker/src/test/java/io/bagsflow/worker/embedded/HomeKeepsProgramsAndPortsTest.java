package io.bagsflow.worker.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.EnvironmentConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL runs a program unpacked inside the private home (not from a shared temporary folder that another
 * account could have filled first), and the embedded PostgreSQL and S3 take the same ports after a restart, so a
 * worker that read the old addresses is not stranded.
 */
class HomeKeepsProgramsAndPortsTest {

    @Test
    void thePostgresProgramLivesInTheHomeAndBothServicesKeepTheirPortsAfterARestart(@TempDir Path dir)
            throws Exception {
        BagsflowHome home = new BagsflowHome(dir.resolve("home"));
        EnvironmentConfig env = new EnvironmentConfig(Map.of(EnvironmentConfig.HOME, home.root().toString()));
        int pgPort;
        int s3Port;
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home.postgresData(), home.postgresCredentials())) {
            Path program = pg.serverProgram().orElseThrow();
            assertTrue(
                    program.toRealPath().startsWith(home.root().toRealPath()),
                    "postgres runs from " + program + ", outside " + home.root());
            assertTrue(program.getFileName().toString().equals("postgres"), program.toString());
            pgPort = pg.port();
        }
        try (EmbeddedServices services = EmbeddedServices.startStorage(env)) {
            pgPort = portOf(services.endpoints().postgres().jdbcUrl().replace("jdbc:", ""));
            s3Port = URI.create(services.endpoints().s3().endpoint()).getPort();
        }
        try (EmbeddedServices services = EmbeddedServices.startStorage(env)) {
            assertEquals(pgPort, portOf(services.endpoints().postgres().jdbcUrl().replace("jdbc:", "")));
            assertEquals(s3Port, URI.create(services.endpoints().s3().endpoint()).getPort());
        }
    }

    private static int portOf(String url) {
        return URI.create(url).getPort();
    }
}

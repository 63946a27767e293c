package io.bagsflow.worker;

import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.embedded.EmbeddedServices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded default services (real PostgreSQL, S3 server and Temporal server) for the tests of this module,
 * started once per test JVM in a temporary BAGSFLOW_HOME.
 */
public final class TestServices {

    private static EmbeddedServices services;
    private static Path home;

    private TestServices() {
    }

    public static synchronized EmbeddedServices get() {
        if (services == null) {
            try {
                home = Files.createTempDirectory("bagsflow-test-home");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            services = EmbeddedServices.start(new EnvironmentConfig(Map.of(EnvironmentConfig.HOME, home.toString())));
            Runtime.getRuntime().addShutdownHook(new Thread(services::close));
        }
        return services;
    }

    public static synchronized Path home() {
        get();
        return home;
    }

    /** Environment variables that point every command at these services. */
    public static Map<String, String> environment() {
        var e = get().endpoints();
        return Map.of(
                EnvironmentConfig.HOME, home.toString(),
                EnvironmentConfig.JDBC_URL, e.postgres().jdbcUrl(),
                EnvironmentConfig.JDBC_USER, e.postgres().user(),
                EnvironmentConfig.JDBC_PASSWORD, e.postgres().password(),
                EnvironmentConfig.S3_ENDPOINT, e.s3().endpoint(),
                EnvironmentConfig.S3_ACCESS_KEY, e.s3().accessKey(),
                EnvironmentConfig.S3_SECRET_KEY, e.s3().secretKey(),
                EnvironmentConfig.S3_BUCKET, e.s3().bucket(),
                EnvironmentConfig.TEMPORAL_ADDRESS, e.temporal().address(),
                EnvironmentConfig.TEMPORAL_NAMESPACE, e.temporal().namespace());
    }
}

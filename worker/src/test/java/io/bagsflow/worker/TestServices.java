package io.bagsflow.worker;

import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.embedded.EmbeddedServices;
import io.bagsflow.worker.embedded.TemporalCli;
import io.bagsflow.worker.embedded.TemporalEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded default services (real PostgreSQL, S3 server and Temporal server) for the tests of this module,
 * started once per test JVM in a temporary BAGSFLOW_HOME.
 */
public final class TestServices {

    private static EmbeddedServices services;
    private static Path home;

    private TestServices() {}

    public static synchronized EmbeddedServices get() {
        if (services == null) {
            try {
                home = Files.createTempDirectory("bagsflow-test-home");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            services = EmbeddedServices.start(new EnvironmentConfig(embeddedDefault(home)));
            Runtime.getRuntime().addShutdownHook(new Thread(services::close));
        }
        return services;
    }

    /**
     * The environment of a user who runs the embedded default in {@code home}: the Temporal CLI is used when it is on
     * PATH (or named by BAGSFLOW_TEMPORAL_CLI), and BAGSFLOW_TEMPORAL_ENGINE=cli (set by CI) makes its absence an
     * error instead of a silent fall-back to the in-memory server.
     */
    public static Map<String, String> embeddedDefault(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put(EnvironmentConfig.HOME, home.toString());
        for (String name : List.of("PATH", TemporalCli.CLI, TemporalCli.ENGINE)) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    /** The Temporal engine the tests of this JVM run on. */
    public static TemporalEngine engine() {
        return get().temporalEngine();
    }

    public static synchronized Path home() {
        get();
        return home;
    }

    /** Environment variables that point every command at these services. */
    public static Map<String, String> environment() {
        var e = get().endpoints();
        Map<String, String> tls = e.temporal().tls() == null
                ? Map.of()
                : Map.of(
                        EnvironmentConfig.TEMPORAL_TLS_CA,
                                e.temporal().tls().caCertificate().toString(),
                        EnvironmentConfig.TEMPORAL_TLS_CERT,
                                e.temporal().tls().clientCertificate().toString(),
                        EnvironmentConfig.TEMPORAL_TLS_KEY,
                                e.temporal().tls().clientKey().toString());
        Map<String, String> all = new java.util.HashMap<>(tls);
        all.putAll(Map.of(
                EnvironmentConfig.HOME, home.toString(),
                EnvironmentConfig.JDBC_URL, e.postgres().jdbcUrl(),
                EnvironmentConfig.JDBC_USER, e.postgres().user(),
                EnvironmentConfig.JDBC_PASSWORD, e.postgres().password(),
                EnvironmentConfig.S3_ENDPOINT, e.s3().endpoint(),
                EnvironmentConfig.S3_ACCESS_KEY, e.s3().accessKey(),
                EnvironmentConfig.S3_SECRET_KEY, e.s3().secretKey(),
                EnvironmentConfig.S3_BUCKET, e.s3().bucket(),
                EnvironmentConfig.TEMPORAL_ADDRESS, e.temporal().address(),
                EnvironmentConfig.TEMPORAL_NAMESPACE, e.temporal().namespace()));
        return Map.copyOf(all);
    }
}

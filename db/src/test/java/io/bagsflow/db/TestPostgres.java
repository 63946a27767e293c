package io.bagsflow.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for the tests of this module and of {@code activities} (through the test jar): one server per test JVM, a fresh empty database for each call
 * to {@link #freshDatabase()}, so tests never see each other's rows. Like the embedded server of {@code up}, it
 * takes password logins only (a random password per JVM), never {@code trust}.
 */
public final class TestPostgres {

    private static EmbeddedPostgres server;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String PASSWORD = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

    private TestPostgres() {}

    static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                Path pwfile = Files.createTempFile(
                        "bagsflow-test-pg-",
                        ".pw",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(pwfile, PASSWORD + "\n");
                    // zonky's initdb runs with "-A trust"; these later options win
                    server = EmbeddedPostgres.builder()
                            .setLocaleConfig("auth", "scram-sha-256")
                            .setLocaleConfig("pwfile", pwfile.toString())
                            .setConnectConfig("password", PASSWORD)
                            .start();
                } finally {
                    Files.deleteIfExists(pwfile);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; zonky cleans its temp directory itself
                }
            }));
        }
        return server;
    }

    /** Creates an empty database and opens it with migrations applied. */
    public static Database freshDatabase() {
        String name = "test_" + COUNTER.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return Database.open(server().getJdbcUrl("postgres", name), "postgres", PASSWORD);
    }
}

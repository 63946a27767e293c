package io.bagsflow.worker.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.db.Database;
import io.bagsflow.db.RunRepository;
import io.bagsflow.worker.config.PostgresCredentials;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

    @Test
    void durabilityIsOnAndDataSurvivesAStopAndStart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data)) {
            assertEquals("on", pg.setting("fsync"));
            assertEquals("on", pg.setting("synchronous_commit"));
            assertEquals("127.0.0.1", pg.setting("listen_addresses"));
            try (Database db = open(pg)) {
                new RunRepository(db).createRun("run-kept", "wf", "{}", "0.1.0", "synth:tiny:7", null);
            }
        }
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data);
                Database db = open(pg)) {
            assertEquals(
                    "synth:tiny:7",
                    new RunRepository(db).findRun("run-kept").orElseThrow().dataset());
        }
    }

    @Test
    void aServerOrphanedByAKilledJvmIsStoppedCleanlyAndItsDataKept(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PostgresChild.class.getName(),
                        data.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                // skip the child's log lines
            }
            assertTrue(line != null, "the child JVM did not start PostgreSQL");
        }
        long orphanPid =
                EmbeddedPostgresServer.runningPostmaster(data).orElseThrow().pid();
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(
                ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false),
                "PostgreSQL outlives the killed JVM");

        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data);
                Database db = open(pg)) {
            assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(
                    "written-by-child",
                    new RunRepository(db).findRun("run-child").orElseThrow().dataset());
        }
    }

    @Test
    void loggingInNeedsTheGeneratedPasswordForTheSuperuserAndTheBagsflowUser(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres").resolve("data");
        Path credentialsFile = dir.resolve("postgres").resolve("credentials.json");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data, credentialsFile)) {
            PostgresCredentials credentials = PostgresCredentials.loadOrCreate(credentialsFile);
            String url = pg.endpoint().jdbcUrl();
            assertEquals("bagsflow", pg.endpoint().user());
            assertEquals(credentials.password(), pg.endpoint().password());
            for (String[] login :
                    new String[][] {{"postgres", credentials.superuserPassword()}, {"bagsflow", credentials.password()}
                    }) {
                assertLoginFails(url, login[0], "wrong-" + login[1]);
                assertLoginFails(url, login[0], "");
                try (Connection c = DriverManager.getConnection(url, login[0], login[1])) {
                    assertTrue(c.isValid(5));
                }
            }
            assertEquals("scram-sha-256", pg.setting("password_encryption"));
            assertFalse(HostBasedAuthentication.trusts(data), Files.readString(data.resolve("pg_hba.conf")));
            assertEquals(
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(credentialsFile));
        }
        // the same home keeps its passwords across restarts
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data, credentialsFile)) {
            assertEquals(
                    PostgresCredentials.loadOrCreate(credentialsFile).password(),
                    pg.endpoint().password());
            try (Database db = open(pg)) {
                new RunRepository(db).createRun("run-1", "wf", "{}", "0.1.0", "synth:tiny:7", null);
            }
        }
    }

    @Test
    void theBagsflowUserIsNoSuperuser(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("data"));
                Connection c = DriverManager.getConnection(
                        pg.endpoint().jdbcUrl(),
                        pg.endpoint().user(),
                        pg.endpoint().password());
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("COPY (SELECT 1) TO PROGRAM 'true'"));
            assertTrue(
                    e.getMessage().contains("permission denied")
                            || e.getMessage().contains("must be superuser"),
                    e.getMessage());
        }
    }

    @Test
    void aDataFolderThatTrustedEveryLoginIsClosedAndHandedToTheBagsflowUser(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres").resolve("data");
        // what an older bagsflow made: zonky's default trust, the schema created by the superuser
        try (EmbeddedPostgres old = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start()) {
            try (Connection c = old.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE bagsflow");
            }
            try (Database db = Database.open(old.getJdbcUrl("postgres", "bagsflow"), "postgres", "")) {
                new RunRepository(db).createRun("run-old", "wf", "{}", "0.1.0", "from-before", null);
            }
        }
        assertTrue(HostBasedAuthentication.trusts(data));
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data)) {
            assertFalse(HostBasedAuthentication.trusts(data));
            assertLoginFails(pg.endpoint().jdbcUrl(), "postgres", "");
            try (Database db = open(pg)) {
                RunRepository runs = new RunRepository(db);
                assertEquals(
                        "from-before", runs.findRun("run-old").orElseThrow().dataset());
                runs.createRun("run-new", "wf-new", "{}", "0.1.0", "after", null);
            }
        }
    }

    private static void assertLoginFails(String url, String user, String password) {
        SQLException e = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(url, user, password).close(),
                user + " logged in with a wrong password");
        // a wrong password is refused by the server; an empty one already by the driver, since SCRAM is asked for
        assertTrue(
                e.getMessage().contains("password authentication failed")
                        || e.getMessage().contains("SCRAM-based authentication, but the password is an empty string"),
                e.getMessage());
    }

    private static Database open(EmbeddedPostgresServer pg) {
        return Database.open(
                pg.endpoint().jdbcUrl(), pg.endpoint().user(), pg.endpoint().password());
    }

    /** Runs in a child JVM: starts PostgreSQL on a folder, writes a run, and waits to be killed. */
    public static final class PostgresChild {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(new File(args[0]).toPath());
            try (Database db = open(pg)) {
                new RunRepository(db).createRun("run-child", "wf", "{}", "0.1.0", "written-by-child", null);
            }
            System.out.println("READY " + pg.port());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}

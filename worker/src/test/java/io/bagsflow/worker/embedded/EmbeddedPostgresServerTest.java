package io.bagsflow.worker.embedded;

import io.bagsflow.db.Database;
import io.bagsflow.db.RunRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data); Database db = open(pg)) {
            assertEquals("synth:tiny:7", new RunRepository(db).findRun("run-kept").orElseThrow().dataset());
        }
    }

    @Test
    void aServerOrphanedByAKilledJvmIsStoppedCleanlyAndItsDataKept(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PostgresChild.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                // skip the child's log lines
            }
            assertTrue(line != null, "the child JVM did not start PostgreSQL");
        }
        long orphanPid = EmbeddedPostgresServer.runningPostmaster(data).orElseThrow().pid();
        child.destroyForcibly();                       // SIGKILL: no shutdown hook runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false),
                "PostgreSQL outlives the killed JVM");

        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data); Database db = open(pg)) {
            assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false));
            assertEquals("written-by-child", new RunRepository(db).findRun("run-child").orElseThrow().dataset());
        }
    }

    private static Database open(EmbeddedPostgresServer pg) {
        return Database.open(pg.endpoint().jdbcUrl(), pg.endpoint().user(), pg.endpoint().password());
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

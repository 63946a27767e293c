package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.RunStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunRepositoryTest {

    private Database db;
    private RunRepository runs;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        runs = new RunRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void flywayMigratesAnEmptyDatabaseToTheCurrentSchema() throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                        + "WHERE table_schema = 'public' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        // later migrations add tables; these are V1's to V3's
        assertTrue(
                tables.containsAll(List.of(
                        "artifact",
                        "category_ap",
                        "checkpoint",
                        "corrupt_object",
                        "evaluation",
                        "experiment",
                        "experiment_cell",
                        "flyway_schema_history",
                        "model",
                        "pipeline_run",
                        "stage_attempt",
                        "stage_claim",
                        "stage_output")),
                tables::toString);
    }

    @Test
    void aRunRoundTripsWithItsStatusChanges() {
        PipelineRun created = runs.createRun(
                "run-1",
                "pipeline-run-1",
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}",
                "0.1.0",
                "synth:tiny:7",
                null);
        assertEquals("RUNNING", created.status().name());
        assertEquals("pipeline-run-1", created.workflowId());
        assertEquals("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}", created.specJson());
        assertNull(created.endedAt());

        runs.updateRunStatus("run-1", RunStatus.WAITING_FOR_RETRY);
        assertEquals(
                "WAITING_FOR_RETRY",
                runs.findRun("run-1").orElseThrow().status().name());
        assertNull(runs.findRun("run-1").orElseThrow().endedAt());

        // a retry runs the stage again before the run can succeed (see Transitions.RUN)
        runs.updateRunStatus("run-1", RunStatus.RUNNING);
        runs.updateRunStatus("run-1", RunStatus.SUCCEEDED);
        PipelineRun done = runs.findRun("run-1").orElseThrow();
        assertEquals("SUCCEEDED", done.status().name());
        assertTrue(done.endedAt() != null && !done.endedAt().isBefore(done.createdAt()));
    }

    @Test
    void runsAreListedNewestFirstAndFilteredByStatusTimeAndDataset() {
        // each run a second after the last, by a clock the test moves on (no sleeping to make the times differ)
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        RunRepository clocked = new RunRepository(db, clock);
        clocked.createRun("run-a", "wf-a", "{}", "0.1.0", "synth:tiny:7", null);
        clock.advance(Duration.ofSeconds(1));
        clocked.createRun("run-b", "wf-b", "{}", "0.1.0", "/data/lvis_v1_train.json", null);
        clock.advance(Duration.ofSeconds(1));
        clocked.createRun("run-c", "wf-c", "{}", "0.1.0", "synth:small:1", "run-a");
        clocked.updateRunStatus("run-b", RunStatus.FAILED);

        assertEquals(List.of("run-c", "run-b", "run-a"), ids(clocked.listRuns(RunFilter.all())));
        assertEquals(List.of("run-b"), ids(clocked.listRuns(RunFilter.all().withStatus(RunStatus.FAILED))));
        assertEquals(
                List.of("run-c", "run-a"), ids(clocked.listRuns(RunFilter.all().withDataset("synth:"))));
        Instant bCreated = clocked.findRun("run-b").orElseThrow().createdAt();
        assertEquals(
                List.of("run-c", "run-b"), ids(clocked.listRuns(RunFilter.all().createdBetween(bCreated, null))));
        assertEquals(List.of("run-a"), ids(clocked.listRuns(RunFilter.all().createdBetween(null, bCreated))));
        assertEquals("run-a", clocked.findRun("run-c").orElseThrow().resumedFrom());
    }

    private static List<String> ids(List<PipelineRun> list) {
        return list.stream().map(PipelineRun::id).toList();
    }
}

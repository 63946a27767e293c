package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.cli.bench.ChaosInvariants.Expected;
import io.bagsflow.cli.bench.ChaosInvariants.Violation;
import io.bagsflow.db.Database;
import io.bagsflow.db.TestPostgres;
import io.bagsflow.worker.embedded.EmbeddedS3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each invariant of the chaos soak on a hand-made state of the real schema (embedded PostgreSQL, objects in a real S3
 * server): a clean succeeded run breaks none, and each breach, added to it, is reported as exactly that breach.
 */
class ChaosInvariantsTest {

    private static final String ZERO = "0".repeat(64);

    @TempDir
    static Path s3Home;

    private static EmbeddedS3Server s3;
    private static ArtifactStore store;

    private Database db;
    private String checkpointBase;
    private String checkpointBags;

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3Server.start(s3Home.resolve("data"), s3Home.resolve("credentials.json"), "chaos-test");
        var e = s3.endpoint();
        store = ArtifactStore.connect(e.endpoint(), e.accessKey(), e.secretKey(), e.bucket());
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @BeforeEach
    void cleanSucceededRun() throws Exception {
        db = TestPostgres.freshDatabase();
        checkpointBase = store.put("base weights".getBytes(StandardCharsets.UTF_8), "application/zip")
                .sha256();
        checkpointBags = store.put("bags weights".getBytes(StandardCharsets.UTF_8), "application/zip")
                .sha256();
        String manifest = store.put("manifest".getBytes(StandardCharsets.UTF_8), "application/json")
                .sha256();
        sql("INSERT INTO pipeline_run (id, workflow_id, spec, status, code_version, dataset, ended_at)"
                + " VALUES ('run-ok', 'wf-ok', '{\"generations\": [\"bags\"]}', 'SUCCEEDED', 'test', 'tiny', now())");
        long prepare = attempt("run-ok", "PREPARE", "", 1, "SUCCEEDED", null, null);
        long train = attempt("run-ok", "TRAIN_BASE", "", 1, "SUCCEEDED", null, null);
        long finetune = attempt("run-ok", "FINETUNE_BAGS", "bags", 1, "SUCCEEDED", null, null);
        long evaluate = attempt("run-ok", "EVALUATE", "", 1, "SUCCEEDED", null, null);
        artifact(manifest, prepare);
        artifact(checkpointBase, train);
        artifact(checkpointBags, finetune);
        sql("INSERT INTO stage_output VALUES (" + prepare + ", 'manifest', '" + manifest + "'), (" + train
                + ", 'checkpoint', '" + checkpointBase + "'), (" + finetune + ", 'checkpoint', '" + checkpointBags
                + "')");
        model("run-ok-base", "run-ok", 0, "base", null, checkpointBase, train);
        model("run-ok-bags", "run-ok", 1, "bags", "run-ok-base", checkpointBags, finetune);
        evaluation("run-ok-base", "run-ok", "d1", evaluate);
        evaluation("run-ok-bags", "run-ok", "d1", evaluate);
        sql("INSERT INTO experiment (id, spec, status, code_version, ended_at)"
                + " VALUES ('exp-ok', '{}', 'SUCCEEDED', 'test', now())");
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aCleanSucceededRunBreaksNoInvariant() {
        assertEquals(List.of(), check(Expected.none()));
    }

    @Test
    void aRunOrAttemptLeftRunningIsReported() throws Exception {
        sql("INSERT INTO pipeline_run (id, workflow_id, spec, status, code_version, dataset)"
                + " VALUES ('run-open', 'wf-open', '{}', 'RUNNING', 'test', 'tiny')");
        long a = attempt("run-open", "TRAIN_BASE", "", 1, "RUNNING", null, null);
        sql("UPDATE stage_attempt SET ended_at = NULL WHERE id = " + a);
        sql("INSERT INTO experiment (id, spec, status, code_version) VALUES ('exp-open', '{}', 'RUNNING', 'test')");

        assertEquals(
                List.of(
                        "run-not-ended: run run-open: still RUNNING after the soak ended",
                        "experiment-not-ended: experiment exp-open: still RUNNING after the soak ended",
                        "attempt-not-ended: attempt " + a + " (run run-open TRAIN_BASE #1): still RUNNING on w1"),
                strings(check(Expected.none())));
    }

    @Test
    void anAbortedRunThatDidNotEndAbortedIsReported() {
        assertEquals(
                List.of("aborted-run-not-aborted: run run-ok: its abort was confirmed, but it ended SUCCEEDED"),
                strings(check(new Expected(Set.of("run-ok"), Set.of(), Set.of()))));
        // an abort that was sent but not confirmed may have come too late: SUCCEEDED is then fine
        assertEquals(List.of(), check(new Expected(Set.of(), Set.of("run-ok"), Set.of())));
    }

    @Test
    void aRunThatFailedOrWasAbortedWithoutAnAbortIsReported() throws Exception {
        sql("INSERT INTO pipeline_run (id, workflow_id, spec, status, code_version, dataset, ended_at, error)"
                + " VALUES ('run-failed', 'wf-f', '{}', 'FAILED', 'test', 'tiny', now(), 'boom')");
        sql("INSERT INTO pipeline_run (id, workflow_id, spec, status, code_version, dataset, ended_at)"
                + " VALUES ('run-stopped', 'wf-s', '{}', 'ABORTED', 'test', 'tiny', now())");

        assertEquals(
                List.of(
                        "run-not-succeeded: run run-failed: no abort was sent, yet it ended FAILED (boom)",
                        "run-not-succeeded: run run-stopped: no abort was sent, yet it ended ABORTED"),
                strings(check(new Expected(Set.of(), Set.of(), Set.of()))));
        assertEquals(
                List.of("run-not-succeeded: run run-failed: no abort was sent, yet it ended FAILED (boom)"),
                strings(check(new Expected(Set.of("run-stopped"), Set.of(), Set.of()))));
    }

    @Test
    void aSucceededRunWithoutAModelIsReported() throws Exception {
        sql("UPDATE pipeline_run SET spec = '{\"generations\": [\"bags\", \"crt\"]}' WHERE id = 'run-ok'");

        assertEquals(
                List.of("models-missing: run run-ok: SUCCEEDED without its crt model (has [base, bags])"),
                strings(check(Expected.none())));
    }

    @Test
    void aModelWithoutAnEvaluationOrWithTwoOfOneDatasetIsReported() throws Exception {
        sql("DELETE FROM evaluation WHERE model_id = 'run-ok-base'");
        long again = attempt("run-ok", "EVALUATE", "", 2, "FAILED", "Boom", "boom");
        evaluation("run-ok-bags", "run-ok", "d1", again);

        assertEquals(
                List.of(
                        "evaluations-not-one: model run-ok-base of run run-ok: SUCCEEDED run, no evaluation",
                        "evaluations-not-one: model run-ok-bags of run run-ok: 2 evaluations of split val, "
                                + "iou_type bbox"),
                strings(check(Expected.none())));
    }

    @Test
    void aModelWithAMaskHeadHasABoxAndAMaskEvaluationOfOneSplit() throws Exception {
        // recorded as the other test's second evaluation is, only by mask IoU
        long attempt = attempt("run-ok", "EVALUATE", "", 2, "FAILED", "Boom", "boom");
        evaluation("run-ok-bags", "run-ok", "d1", attempt);
        sql("UPDATE evaluation SET iou_type = 'segm' WHERE stage_attempt_id = " + attempt);

        assertEquals(List.of(), check(Expected.none()));
    }

    @Test
    void twoSucceededAttemptsOfOnePartAreReported() throws Exception {
        attempt("run-ok", "FINETUNE_BAGS", "bags", 2, "REUSED", null, null);

        assertEquals(
                List.of("duplicate-success: run run-ok FINETUNE_BAGS/bags: 2 attempts SUCCEEDED or REUSED: "
                        + "1 SUCCEEDED, 2 REUSED"),
                strings(check(Expected.none())));
    }

    @Test
    void aFailedAttemptWithoutItsErrorIsReported() throws Exception {
        long a = attempt("run-ok", "TRAIN_BASE", "", 2, "FAILED", null, " ");
        attempt("run-ok", "TRAIN_BASE", "", 3, "FAILED", "WorkerLost", "worker lost: w1 is no longer running");

        assertEquals(
                List.of("failed-attempt-without-error: attempt " + a
                        + " (run run-ok TRAIN_BASE #2): FAILED with no error recorded"),
                strings(check(Expected.none())));
    }

    @Test
    void anAttemptFailedAsLostWhoseWorkerWentOnIsReported() throws Exception {
        long lost =
                attempt("run-ok", "TRAIN_BASE", "", 2, "FAILED", "WorkerLost", "worker lost: w1 is no longer running");
        sql("UPDATE stage_attempt SET ended_at = now() - interval '1 minute' WHERE id = " + lost);
        sql("INSERT INTO checkpoint (stage_attempt_id, iteration, sha256, size_bytes, created_at) VALUES (" + lost
                + ", 40, '" + ZERO + "', 1, now() - interval '2 minutes'), (" + lost + ", 80, '" + ZERO
                + "', 1, now())");
        // a refusal in a worker's log names the attempt whose finished work was thrown away
        Set<Long> refused = ChaosInvariants.refusedAttempts(
                "WARN Activity failure: attempt " + lost
                        + " is not running\nWARN later: attempt 99 is FAILED: it cannot become SUCCEEDED (only from [RUNNING])");
        assertEquals(Set.of(lost, 99L), refused);

        assertEquals(
                List.of(
                        "finished-work-thrown-away: attempt " + lost + " (run run-ok TRAIN_BASE #2): its worker "
                                + "finished it but was refused the SUCCEEDED record; it is FAILED (worker lost: w1 is "
                                + "no longer running)",
                        "healthy-attempt-failed-as-lost: attempt " + lost + " (run run-ok TRAIN_BASE #2): failed as "
                                + "lost (worker lost: w1 is no longer running), yet its worker stored 1 checkpoint(s) "
                                + "afterwards, up to iteration 80"),
                strings(check(new Expected(Set.of(), Set.of(), refused))));
    }

    @Test
    void anObjectASucceededRunNamesThatIsNotInS3IsReported() throws Exception {
        String absent = "b".repeat(64);
        long evaluate = attempt("run-ok", "EVALUATE", "", 2, "FAILED", "Boom", "boom");
        artifact(absent, evaluate);
        sql("UPDATE stage_output SET artifact_sha256 = '" + absent + "' WHERE name = 'manifest'");

        assertEquals(
                List.of("artifact-missing: object " + ArtifactStore.keyOf(absent)
                        + ": named by SUCCEEDED run run-ok, absent from S3"),
                strings(check(Expected.none())));
        // without a store the S3 check is left out
        assertEquals(List.of(), ChaosInvariants.check(db, null, Expected.none()));
    }

    private List<Violation> check(Expected expected) {
        return ChaosInvariants.check(db, store, expected);
    }

    private static List<String> strings(List<Violation> violations) {
        return violations.stream().map(Violation::toString).toList();
    }

    private void sql(String statement) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private long attempt(
            String run, String stage, String part, int n, String status, String errorClass, String errorMessage)
            throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO stage_attempt (run_id, stage, part, attempt,"
                        + " stage_key, status, worker, ended_at, error_class, error_message)"
                        + " VALUES (?, ?, ?, ?, 'key', ?, 'w1', now(), ?, ?) RETURNING id")) {
            ps.setString(1, run);
            ps.setString(2, stage);
            ps.setString(3, part);
            ps.setInt(4, n);
            ps.setString(5, status);
            ps.setString(6, errorClass);
            ps.setString(7, errorMessage);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void artifact(String sha, long producedBy) throws Exception {
        sql("INSERT INTO artifact (sha256, size_bytes, media_type, s3_key, produced_by) VALUES ('" + sha
                + "', 1, 'application/octet-stream', '" + ArtifactStore.keyOf(sha) + "', " + producedBy + ")");
    }

    private void model(String id, String run, int generation, String kind, String parent, String sha, long attempt)
            throws Exception {
        sql("INSERT INTO model (id, run_id, generation, kind, parent_model_id, checkpoint_sha256, config, code_version,"
                + " stage_attempt_id) VALUES ('" + id + "', '" + run + "', " + generation + ", '" + kind + "', "
                + (parent == null ? "NULL" : "'" + parent + "'") + ", '" + sha + "', '{}', 'test', " + attempt + ")");
    }

    /** An evaluation without a results file: NULLs never collide in the table's unique key, so doubles can be made. */
    private void evaluation(String model, String run, String dataset, long attempt) throws Exception {
        sql("INSERT INTO evaluation (model_id, run_id, dataset_sha256, results_sha256, stage_attempt_id, ap, ap50,"
                + " ap75, aps, apm, apl, apr, apc, apf, ar300, ars300, arm300, arl300) VALUES ('" + model + "', '"
                + run + "', '" + dataset + "', NULL, " + attempt
                + ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
    }
}

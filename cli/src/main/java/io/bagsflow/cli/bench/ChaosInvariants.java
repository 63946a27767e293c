package io.bagsflow.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.StoredArtifact;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.Database;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must hold of the records once every run of a chaos soak has ended, however the soak's faults fell: read from
 * PostgreSQL (and S3 for the artifacts the succeeded runs name), every breach reported with the record it concerns.
 * A separate class from the soak so that each check can be tested on a hand-made database state.
 */
final class ChaosInvariants {

    private static final ObjectMapper JSON = JsonMappers.lenient();

    /**
     * A worker's refusal to record a finished attempt because the attempt was no longer RUNNING: today's wording
     * ({@code attempt 12 is not running}) and the compare-and-set one ({@code attempt 12 is FAILED: it cannot become
     * SUCCEEDED}).
     */
    static final Pattern REFUSED_SUCCESS =
            Pattern.compile("attempt (\\d+) is (?:not running|[A-Z_]+: it cannot become SUCCEEDED)");

    /** Slack between the database's clock of an attempt's end and the rows its worker wrote afterwards. */
    private static final String AFTER_END_MARGIN = "interval '2 seconds'";

    /** One breach: the invariant's short name, the record (run, attempt, model, object) and what was found. */
    record Violation(String invariant, String subject, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + subject + ": " + detail;
        }
    }

    /**
     * What the soak did that the records must reflect.
     *
     * @param abortedRuns     runs whose {@code pipeline abort} reported them ABORTED: they must be ABORTED
     * @param abortAttempted  runs an abort was sent to without that confirmation (it timed out, or the run had just
     *                        ended): ABORTED or SUCCEEDED
     * @param refusedAttempts attempts whose worker, per its log, finished the work but was refused the SUCCEEDED
     *                        record because something else had ended the attempt
     */
    record Expected(Set<String> abortedRuns, Set<String> abortAttempted, Set<Long> refusedAttempts) {
        static Expected none() {
            return new Expected(Set.of(), Set.of(), Set.of());
        }
    }

    private ChaosInvariants() {}

    /** The attempt ids of every success refusal in a log's text. */
    static Set<Long> refusedAttempts(String log) {
        Set<Long> ids = new TreeSet<>();
        Matcher m = REFUSED_SUCCESS.matcher(log);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    /**
     * Every violation in the records, runs in id order; {@code store} null leaves out the S3 check of the artifacts
     * that succeeded runs name.
     */
    static List<Violation> check(Database db, ArtifactStore store, Expected expected) {
        List<Violation> found = new ArrayList<>();
        Map<String, List<String>> artifactsOfRuns = new LinkedHashMap<>();
        db.inTransaction(c -> {
            runs(c, expected, found);
            experiments(c, found);
            attempts(c, expected, found);
            modelsAndEvaluations(c, found);
            if (store != null) {
                artifactsOfRuns.putAll(artifactsOfSucceededRuns(c));
            }
            return null;
        });
        if (store != null) {
            artifactsInStore(store, artifactsOfRuns, found);
        }
        return found;
    }

    private static void runs(Connection c, Expected expected, List<Violation> found) throws SQLException {
        try (PreparedStatement ps =
                        c.prepareStatement("SELECT id, status, ended_at, error FROM pipeline_run ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString("id");
                String status = rs.getString("status");
                String subject = "run " + id;
                if (status.equals(RunStatus.RUNNING.name()) || status.equals(RunStatus.WAITING_FOR_RETRY.name())) {
                    found.add(new Violation("run-not-ended", subject, "still " + status + " after the soak ended"));
                    continue;
                }
                if (rs.getTimestamp("ended_at") == null) {
                    found.add(new Violation("run-end-missing", subject, status + " without ended_at"));
                }
                String error = rs.getString("error");
                String because = error == null || error.isBlank() ? "" : " (" + error + ")";
                if (expected.abortedRuns().contains(id)) {
                    if (!status.equals(RunStatus.ABORTED.name())) {
                        found.add(new Violation(
                                "aborted-run-not-aborted",
                                subject,
                                "its abort was confirmed, but it ended " + status + because));
                    }
                } else if (expected.abortAttempted().contains(id)) {
                    if (!status.equals(RunStatus.ABORTED.name()) && !status.equals(RunStatus.SUCCEEDED.name())) {
                        found.add(new Violation(
                                "aborted-run-not-aborted", subject, "an abort was sent; it ended " + status + because));
                    }
                } else if (!status.equals(RunStatus.SUCCEEDED.name())) {
                    found.add(new Violation(
                            "run-not-succeeded", subject, "no abort was sent, yet it ended " + status + because));
                }
            }
        }
    }

    private static void experiments(Connection c, List<Violation> found) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status FROM experiment ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String status = rs.getString("status");
                String subject = "experiment " + rs.getString("id");
                if (status.equals(RunStatus.RUNNING.name())) {
                    found.add(new Violation("experiment-not-ended", subject, "still RUNNING after the soak ended"));
                } else if (!status.equals(RunStatus.SUCCEEDED.name())) {
                    found.add(new Violation(
                            "experiment-not-succeeded", subject, "no abort was sent, yet it ended " + status));
                }
            }
        }
    }

    private static void attempts(Connection c, Expected expected, List<Violation> found) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, run_id, stage, part, attempt, status, worker, ended_at, error_class, error_message"
                                + " FROM stage_attempt ORDER BY run_id, stage, part, attempt");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong("id");
                String status = rs.getString("status");
                String subject = attempt(rs);
                if (status.equals(AttemptStatus.RUNNING.name())) {
                    found.add(
                            new Violation("attempt-not-ended", subject, "still RUNNING on " + rs.getString("worker")));
                    continue;
                }
                if (rs.getTimestamp("ended_at") == null) {
                    found.add(new Violation("attempt-end-missing", subject, status + " without ended_at"));
                }
                String errorClass = rs.getString("error_class");
                String message = rs.getString("error_message");
                if (status.equals(AttemptStatus.FAILED.name())
                        && (errorClass == null || errorClass.isBlank())
                        && (message == null || message.isBlank())) {
                    found.add(new Violation("failed-attempt-without-error", subject, "FAILED with no error recorded"));
                }
                if (expected.refusedAttempts().contains(id)) {
                    found.add(new Violation(
                            "finished-work-thrown-away",
                            subject,
                            "its worker finished it but was refused the SUCCEEDED record; it is " + status
                                    + (message == null ? "" : " (" + message + ")")));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, stage, part, count(*) AS n,"
                        + " string_agg(attempt || ' ' || status, ', ' ORDER BY attempt) AS which FROM stage_attempt"
                        + " WHERE status IN ('SUCCEEDED', 'REUSED') GROUP BY run_id, stage, part HAVING count(*) > 1"
                        + " ORDER BY run_id, stage, part");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(new Violation(
                        "duplicate-success",
                        part(rs),
                        rs.getInt("n") + " attempts SUCCEEDED or REUSED: " + rs.getString("which")));
            }
        }
        // a worker that wrote a checkpoint of an attempt after the attempt was ended as lost was not lost
        try (PreparedStatement ps = c.prepareStatement("SELECT a.id, a.run_id, a.stage, a.part, a.attempt,"
                        + " a.error_message, max(k.iteration) AS iteration, count(*) AS n FROM stage_attempt a"
                        + " JOIN checkpoint k ON k.stage_attempt_id = a.id WHERE a.status = 'FAILED'"
                        + " AND (a.error_class = '" + FailureType.WorkerLost.name()
                        + "' OR a.error_message LIKE 'worker lost%')"
                        + " AND k.created_at > a.ended_at + " + AFTER_END_MARGIN
                        + " GROUP BY a.id, a.run_id, a.stage, a.part, a.attempt, a.error_message ORDER BY a.id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(new Violation(
                        "healthy-attempt-failed-as-lost",
                        attempt(rs),
                        "failed as lost (" + rs.getString("error_message") + "), yet its worker stored "
                                + rs.getInt("n") + " checkpoint(s) afterwards, up to iteration "
                                + rs.getInt("iteration")));
            }
        }
    }

    private static void modelsAndEvaluations(Connection c, List<Violation> found) throws SQLException {
        boolean splits = hasColumn(c, "evaluation", "split");
        // a model with a mask head has a box and a mask evaluation per split, each of them once
        boolean iouTypes = hasColumn(c, "evaluation", "iou_type");
        Map<String, JsonNode> specs = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, spec::text AS spec FROM pipeline_run WHERE status = 'SUCCEEDED' ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                specs.put(rs.getString("id"), readSpec(rs.getString("spec")));
            }
        }
        for (Map.Entry<String, JsonNode> run : specs.entrySet()) {
            String runId = run.getKey();
            Map<String, Integer> generationOf = new LinkedHashMap<>();
            Map<String, String> idOf = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, kind, generation FROM model WHERE run_id = ? ORDER BY generation, kind")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String kind = rs.getString("kind").toLowerCase(Locale.ROOT);
                        generationOf.put(kind, rs.getInt("generation"));
                        idOf.put(kind, rs.getString("id"));
                    }
                }
            }
            long bases = generationOf.values().stream().filter(g -> g == 0).count();
            if (bases != 1) {
                found.add(new Violation(
                        "models-missing", "run " + runId, "SUCCEEDED with " + bases + " generation-0 models"));
            }
            for (JsonNode kind : run.getValue().path("generations")) {
                String k = kind.asText().toLowerCase(Locale.ROOT);
                if (!generationOf.containsKey(k)) {
                    found.add(new Violation(
                            "models-missing",
                            "run " + runId,
                            "SUCCEEDED without its " + k + " model (has " + generationOf.keySet() + ")"));
                }
            }
            for (Map.Entry<String, String> model : idOf.entrySet()) {
                evaluationsOf(c, runId, model.getValue(), splits, iouTypes, found);
            }
        }
    }

    /**
     * One evaluation per split and IoU type (or, before evaluations had a split, per evaluated dataset), and at least
     * one.
     */
    private static void evaluationsOf(
            Connection c, String runId, String modelId, boolean splits, boolean iouTypes, List<Violation> found)
            throws SQLException {
        String by = splits ? (iouTypes ? "split || ', iou_type ' || iou_type" : "split") : "dataset_sha256";
        int groups = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + by + "::text AS by, count(*) AS n FROM evaluation"
                + " WHERE model_id = ? GROUP BY " + by + " ORDER BY 1")) {
            ps.setString(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups++;
                    int n = rs.getInt("n");
                    if (n != 1) {
                        found.add(new Violation(
                                "evaluations-not-one",
                                "model " + modelId + " of run " + runId,
                                n + " evaluations of " + (splits ? "split " : "dataset ") + rs.getString("by")));
                    }
                }
            }
        }
        if (groups == 0) {
            found.add(new Violation(
                    "evaluations-not-one", "model " + modelId + " of run " + runId, "SUCCEEDED run, no evaluation"));
        }
    }

    /** Per succeeded run, the hashes of its attempts' outputs and its models' checkpoints. */
    private static Map<String, List<String>> artifactsOfSucceededRuns(Connection c) throws SQLException {
        Map<String, List<String>> of = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.id, o.artifact_sha256 AS sha FROM pipeline_run r"
                        + " JOIN stage_attempt a ON a.run_id = r.id AND a.status IN ('SUCCEEDED', 'REUSED')"
                        + " JOIN stage_output o ON o.stage_attempt_id IN (a.id, a.reused_attempt_id)"
                        + " WHERE r.status = 'SUCCEEDED'"
                        + " UNION SELECT r.id, m.checkpoint_sha256 FROM pipeline_run r JOIN model m ON m.run_id = r.id"
                        + " WHERE r.status = 'SUCCEEDED' ORDER BY 1, 2");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                of.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return of;
    }

    private static void artifactsInStore(ArtifactStore store, Map<String, List<String>> of, List<Violation> found) {
        Set<String> seen = new TreeSet<>();
        for (Map.Entry<String, List<String>> run : of.entrySet()) {
            for (String sha : run.getValue()) {
                if (!seen.add(sha)) {
                    continue;
                }
                Optional<StoredArtifact> stored = store.stat(sha);
                if (stored.isEmpty()) {
                    found.add(new Violation(
                            "artifact-missing",
                            "object " + ArtifactStore.keyOf(sha),
                            "named by SUCCEEDED run " + run.getKey() + ", absent from S3"));
                }
            }
        }
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static JsonNode readSpec(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static String attempt(ResultSet rs) throws SQLException {
        return "attempt " + rs.getLong("id") + " (" + part(rs) + " #" + rs.getInt("attempt") + ")";
    }

    private static String part(ResultSet rs) throws SQLException {
        String part = rs.getString("part");
        return "run " + rs.getString("run_id") + " " + rs.getString("stage") + (part.isEmpty() ? "" : "/" + part);
    }
}

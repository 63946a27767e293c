package io.bagsflow.db;

import io.bagsflow.workflows.pipeline.RunStatus;
import io.bagsflow.workflows.pipeline.Stage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Run history: pipeline runs, their stage attempts, the artifacts they produced. Plain JDBC; every write that
 * belongs together (an attempt's end and its outputs, say) is one transaction.
 */
public final class RunRepository {

    /** SQL ordering rows by stage in pipeline order (the order of {@link Stage}). */
    private static final String STAGE_ORDER = Arrays.stream(Stage.values())
            .map(s -> "WHEN '" + s.name() + "' THEN " + s.ordinal())
            .collect(Collectors.joining(" ", "CASE stage ", " END"));

    private final Database db;

    public RunRepository(Database db) {
        this.db = db;
    }

    /** The database behind this repository, for the repositories of other tables on the same connections. */
    public Database database() {
        return db;
    }

    // ---- runs

    /** Inserts a run in status RUNNING. */
    public PipelineRun createRun(String id, String workflowId, String specJson, String codeVersion, String dataset,
                                 String resumedFrom) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO pipeline_run (id, workflow_id, spec, status, code_version, dataset, resumed_from) "
                            + "VALUES (?, ?, ?::jsonb, 'RUNNING', ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, workflowId);
                ps.setString(3, specJson);
                ps.setString(4, codeVersion);
                ps.setString(5, dataset);
                ps.setString(6, resumedFrom);
                ps.executeUpdate();
            }
            return findRun(c, id).orElseThrow();
        });
    }

    /** Sets a run's status; terminal statuses (SUCCEEDED, FAILED, ABORTED) also set its end time. */
    public void updateRunStatus(String runId, RunStatus status) {
        boolean terminal = status.ended();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE pipeline_run SET status = ?, updated_at = now(), "
                    + "ended_at = " + (terminal ? "now()" : "NULL") + " WHERE id = ?")) {
                ps.setString(1, status.name());
                ps.setString(2, runId);
                if (ps.executeUpdate() != 1) {
                    throw new DatabaseException("no run " + runId);
                }
            }
            return null;
        });
    }

    public Optional<PipelineRun> findRun(String runId) {
        return db.inTransaction(c -> findRun(c, runId));
    }

    /** Runs newest first, filtered by status, creation time and dataset label. */
    public List<PipelineRun> listRuns(RunFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT * FROM pipeline_run WHERE true");
        List<Object> args = new ArrayList<>();
        if (filter.status() != null) {
            sql.append(" AND status = ?");
            args.add(filter.status());
        }
        if (filter.createdAfter() != null) {
            sql.append(" AND created_at >= ?");
            args.add(Timestamp.from(filter.createdAfter()));
        }
        if (filter.createdBefore() != null) {
            sql.append(" AND created_at < ?");
            args.add(Timestamp.from(filter.createdBefore()));
        }
        if (filter.datasetContains() != null) {
            sql.append(" AND strpos(dataset, ?) > 0");
            args.add(filter.datasetContains());
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ?");
        args.add(filter.limit() > 0 ? filter.limit() : 100);
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<PipelineRun> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(run(rs));
                    }
                }
                return out;
            }
        });
    }

    /** One run with its attempts (in stage order, then attempt number) and every artifact they output. */
    public Optional<RunDetails> runDetails(String runId) {
        return db.inTransaction(c -> {
            Optional<PipelineRun> run = findRun(c, runId);
            if (run.isEmpty()) {
                return Optional.empty();
            }
            List<StageAttempt> attempts = attempts(c, "run_id = ?", "ORDER BY " + STAGE_ORDER + ", started_at, id",
                    runId);
            List<ArtifactRecord> artifacts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT a.* FROM artifact a "
                    + "JOIN stage_output o ON o.artifact_sha256 = a.sha256 "
                    + "JOIN stage_attempt s ON s.id = o.stage_attempt_id WHERE s.run_id = ? ORDER BY a.created_at, a.sha256")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        artifacts.add(artifact(rs));
                    }
                }
            }
            return Optional.of(new RunDetails(run.get(), attempts, artifacts));
        });
    }

    // ---- attempts

    /**
     * Opens the next attempt of a part of a stage of a run (attempt numbers count from 1 per run, stage and part),
     * status RUNNING. An earlier attempt of the same part still marked RUNNING belonged to a worker that was lost
     * (the new attempt exists because Temporal gave up on it): it is closed as FAILED, saying so.
     */
    public StageAttempt startAttempt(String runId, String stage, String part, String stageKey, String worker) {
        return db.inTransaction(c -> {
            lockRun(c, runId);
            closeLostAttempts(c, runId, stage, part);
            long id = insertAttempt(c, runId, stage, part, stageKey, worker, null);
            touchRun(c, runId);
            return attempt(c, id);
        });
    }

    /**
     * Records an attempt that failed before it could start its work (computing its stage key failed: hashing the
     * input files, listing an S3 prefix): a FAILED attempt with the error, so the stage shows why and
     * {@code stage retry} accepts it. {@code stageKey} is whatever part of the key is known.
     */
    public StageAttempt recordFailedAttempt(String runId, String stage, String part, String stageKey, String worker,
                                            String errorClass, String errorMessage) {
        return db.inTransaction(c -> {
            lockRun(c, runId);
            long id = insertAttempt(c, runId, stage, part, stageKey, worker, null);
            close(c, id, AttemptStatus.FAILED, errorClass, errorMessage, null);
            touchRun(c, runId);
            return attempt(c, id);
        });
    }

    /** The stage of this run whose attempt output these bytes (for a corrupt input: who must make it again). */
    public Optional<String> producerStage(String runId, String sha256) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.stage FROM stage_attempt s "
                    + "JOIN stage_output o ON o.stage_attempt_id = s.id WHERE s.run_id = ? AND o.artifact_sha256 = ? "
                    + "ORDER BY " + STAGE_ORDER + " LIMIT 1")) {
                ps.setString(1, runId);
                ps.setString(2, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Notes that a running attempt continued from a checkpoint of an earlier attempt, at this iteration. */
    public void markResumed(long attemptId, int iteration) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE stage_attempt SET resumed_from_iteration = ? WHERE id = ?")) {
                ps.setInt(1, iteration);
                ps.setLong(2, attemptId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Stores the latest progress of a running attempt (a small JSON object). An attempt that has ended keeps the
     * final state written with its end: a late background write cannot replace it.
     */
    public void updateProgress(long attemptId, String progressJson) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE stage_attempt SET progress = ?::jsonb WHERE id = ? AND status = 'RUNNING'")) {
                ps.setString(1, progressJson);
                ps.setLong(2, attemptId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Closes an attempt as SUCCEEDED with its named outputs, registering their artifacts (stored before in the
     * artifact store), all in one transaction: either the attempt succeeded with every output, or nothing changed.
     */
    public StageAttempt succeedAttempt(long attemptId, Map<String, ArtifactRecord> outputs) {
        return succeedAttempt(attemptId, outputs, c -> null);
    }

    /**
     * As {@link #succeedAttempt(long, Map)}, with more writes (models, evaluations) in the same transaction.
     */
    public StageAttempt succeedAttempt(long attemptId, Map<String, ArtifactRecord> outputs,
                                       Database.SqlWork<?> alsoInTransaction) {
        return succeedAttempt(attemptId, outputs, null, alsoInTransaction);
    }

    /**
     * As {@link #succeedAttempt(long, Map, Database.SqlWork)}, also storing the attempt's final progress (its last
     * state; null keeps what is stored).
     */
    public StageAttempt succeedAttempt(long attemptId, Map<String, ArtifactRecord> outputs, String finalProgressJson,
                                       Database.SqlWork<?> alsoInTransaction) {
        return db.inTransaction(c -> {
            for (Map.Entry<String, ArtifactRecord> e : outputs.entrySet()) {
                insertArtifact(c, e.getValue());
                linkOutput(c, attemptId, e.getKey(), e.getValue().sha256());
            }
            // after the outputs: lineage rows refer to them
            alsoInTransaction.run(c);
            if (close(c, attemptId, AttemptStatus.SUCCEEDED, null, null, finalProgressJson) != 1) {
                throw new DatabaseException("attempt " + attemptId + " is not running");
            }
            return attempt(c, attemptId);
        });
    }

    /** Closes an attempt as FAILED with the error's class and message. */
    public void failAttempt(long attemptId, String errorClass, String errorMessage) {
        failAttempt(attemptId, errorClass, errorMessage, null);
    }

    /** As {@link #failAttempt(long, String, String)}, also storing the attempt's final progress (null keeps it). */
    public void failAttempt(long attemptId, String errorClass, String errorMessage, String finalProgressJson) {
        db.inTransaction(c -> close(c, attemptId, AttemptStatus.FAILED, errorClass, errorMessage, finalProgressJson));
    }

    /** Ends a RUNNING attempt; returns the number of rows changed (0 if it was not running). */
    private static int close(Connection c, long attemptId, AttemptStatus status, String errorClass, String errorMessage,
                             String finalProgressJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE stage_attempt SET status = ?, ended_at = now(), "
                + "error_class = ?, error_message = ?, progress = COALESCE(?::jsonb, progress) "
                + "WHERE id = ? AND status = 'RUNNING'")) {
            ps.setString(1, status.name());
            ps.setString(2, errorClass);
            ps.setString(3, errorMessage);
            ps.setString(4, finalProgressJson);
            ps.setLong(5, attemptId);
            return ps.executeUpdate();
        }
    }

    /**
     * Records that a part of a stage of {@code runId} reused the outputs of an earlier successful attempt: a new
     * attempt with status REUSED, the same key and the same outputs.
     */
    public StageAttempt recordReuse(String runId, String stage, String part, String worker, StageAttempt reused) {
        return recordReuse(runId, stage, part, worker, reused, (c, attemptId) -> { });
    }

    /** As {@link #recordReuse(String, String, String, String, StageAttempt)}, with more writes in the same transaction. */
    public StageAttempt recordReuse(String runId, String stage, String part, String worker, StageAttempt reused,
                                    AttemptWork alsoInTransaction) {
        return db.inTransaction(c -> {
            lockRun(c, runId);
            // a retry that reuses another run's finished attempt (an experiment cell whose shared work another
            // cell completed) also closes the attempt its lost worker left RUNNING
            closeLostAttempts(c, runId, stage, part);
            long id = insertAttempt(c, runId, stage, part, reused.stageKey(), worker, reused.id());
            for (Map.Entry<String, String> e : reused.outputs().entrySet()) {
                linkOutput(c, id, e.getKey(), e.getValue());
            }
            alsoInTransaction.run(c, id);
            touchRun(c, runId);
            return attempt(c, id);
        });
    }

    /** Runs lineage writes for an attempt that is already closed, in one transaction (they must be idempotent). */
    public void recordFor(long attemptId, AttemptWork work) {
        db.inTransaction(c -> {
            work.run(c, attemptId);
            return null;
        });
    }

    /** More writes that need the id of the attempt being recorded, in its transaction. */
    @FunctionalInterface
    public interface AttemptWork {
        void run(Connection connection, long attemptId) throws SQLException;
    }

    /** The newest successful (or reused) attempt with this stage key, if any: the candidate for stage reuse. */
    public Optional<StageAttempt> findCompletedAttempt(String stageKey) {
        return db.inTransaction(c -> attempts(c, "stage_key = ? AND status IN ('SUCCEEDED', 'REUSED')",
                "ORDER BY ended_at DESC, id DESC LIMIT 1", stageKey).stream().findFirst());
    }

    /**
     * This run's own completed attempt of a part with this key, if any: an activity retried after its success was
     * recorded (its completion lost on the way to Temporal) finds its earlier self here.
     */
    public Optional<StageAttempt> findCompletedAttempt(String runId, String stage, String part, String stageKey) {
        return db.inTransaction(c -> attempts(c, "run_id = ? AND stage = ? AND part = ? AND stage_key = ? "
                + "AND status IN ('SUCCEEDED', 'REUSED')", "ORDER BY id DESC LIMIT 1", runId, stage, part, stageKey)
                .stream().findFirst());
    }

    /** Replaces a run's stored spec, e.g. with the effective spec after a retry with overrides. */
    public void updateSpec(String runId, String specJson) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE pipeline_run SET spec = ?::jsonb, updated_at = now() WHERE id = ?")) {
                ps.setString(1, specJson);
                ps.setString(2, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The completed attempts of a stage of a run, the newest per part (for {@code --resume-from RUN}), by part.
     */
    public List<StageAttempt> findCompletedAttempts(String runId, String stage) {
        return db.inTransaction(c -> attempts(c, "id IN (SELECT DISTINCT ON (part) id FROM stage_attempt "
                + "WHERE run_id = ? AND stage = ? AND status IN ('SUCCEEDED', 'REUSED') ORDER BY part, attempt DESC)",
                "ORDER BY part", runId, stage));
    }

    public Optional<StageAttempt> findAttempt(long attemptId) {
        return db.inTransaction(c -> attempts(c, "id = ?", "", attemptId).stream().findFirst());
    }

    // ---- artifacts

    /** Registers an artifact; registering the same sha256 again is a no-op. */
    public void putArtifact(ArtifactRecord artifact) {
        db.inTransaction(c -> {
            insertArtifact(c, artifact);
            return null;
        });
    }

    public Optional<ArtifactRecord> findArtifact(String sha256) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM artifact WHERE sha256 = ?")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(artifact(rs)) : Optional.empty();
                }
            }
        });
    }

    // ---- helpers

    private static void lockRun(Connection c, String runId) throws SQLException {
        // Serialises attempt numbering per run: two workers may open attempts of the same run at once.
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM pipeline_run WHERE id = ? FOR UPDATE")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException("no run " + runId);
                }
            }
        }
    }

    /**
     * Inserts the next attempt of a part (numbered per run, stage and part): RUNNING, or, with
     * {@code reusedAttemptId}, REUSED and already ended. The run must be locked.
     */
    /** An attempt still RUNNING when its part starts again lost its worker: closed as FAILED, saying so. */
    private static void closeLostAttempts(Connection c, String runId, String stage, String part) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE stage_attempt SET status = 'FAILED', "
                + "ended_at = now(), error_class = 'WorkerLost', error_message = 'the worker ' || "
                + "COALESCE(worker, '?') || ' stopped heartbeating; the stage was retried' "
                + "WHERE run_id = ? AND stage = ? AND part = ? AND status = 'RUNNING'")) {
            ps.setString(1, runId);
            ps.setString(2, stage);
            ps.setString(3, part);
            ps.executeUpdate();
        }
    }

    private static long insertAttempt(Connection c, String runId, String stage, String part, String stageKey,
                                      String worker, Long reusedAttemptId) throws SQLException {
        int attempt = nextAttemptNumber(c, runId, stage, part);
        boolean reuse = reusedAttemptId != null;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stage_attempt (run_id, stage, part, attempt, "
                + "stage_key, status, worker, ended_at, reused_attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?, "
                + (reuse ? "now()" : "NULL") + ", ?) RETURNING id")) {
            ps.setString(1, runId);
            ps.setString(2, stage);
            ps.setString(3, part);
            ps.setInt(4, attempt);
            ps.setString(5, stageKey);
            ps.setString(6, (reuse ? AttemptStatus.REUSED : AttemptStatus.RUNNING).name());
            ps.setString(7, worker);
            setLong(ps, 8, reusedAttemptId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int nextAttemptNumber(Connection c, String runId, String stage, String part)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(attempt), 0) + 1 FROM stage_attempt "
                + "WHERE run_id = ? AND stage = ? AND part = ?")) {
            ps.setString(1, runId);
            ps.setString(2, stage);
            ps.setString(3, part);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void touchRun(Connection c, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pipeline_run SET updated_at = now() WHERE id = ?")) {
            ps.setString(1, runId);
            ps.executeUpdate();
        }
    }

    private static void insertArtifact(Connection c, ArtifactRecord a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO artifact (sha256, size_bytes, media_type, s3_key, "
                + "produced_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
            ps.setString(1, a.sha256());
            ps.setLong(2, a.sizeBytes());
            ps.setString(3, a.mediaType());
            ps.setString(4, a.s3Key());
            setLong(ps, 5, a.producedBy());
            ps.executeUpdate();
        }
    }

    private static void linkOutput(Connection c, long attemptId, String name, String sha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO stage_output (stage_attempt_id, name, artifact_sha256) VALUES (?, ?, ?)")) {
            ps.setLong(1, attemptId);
            ps.setString(2, name);
            ps.setString(3, sha256);
            ps.executeUpdate();
        }
    }

    private static Optional<PipelineRun> findRun(Connection c, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM pipeline_run WHERE id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(run(rs)) : Optional.empty();
            }
        }
    }

    private static StageAttempt attempt(Connection c, long id) throws SQLException {
        return attempts(c, "id = ?", "", id).get(0);
    }

    private static List<StageAttempt> attempts(Connection c, String where, String order, Object... args)
            throws SQLException {
        List<StageAttempt> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM stage_attempt WHERE " + where + " " + order)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StageAttempt(rs.getLong("id"), rs.getString("run_id"), rs.getString("stage"),
                            rs.getString("part"), rs.getInt("attempt"), rs.getString("stage_key"),
                            AttemptStatus.valueOf(rs.getString("status")),
                            rs.getString("worker"), instant(rs, "started_at"), instant(rs, "ended_at"),
                            rs.getString("progress"), (Integer) rs.getObject("resumed_from_iteration"),
                            (Long) rs.getObject("reused_attempt_id"), rs.getString("error_class"),
                            rs.getString("error_message"), Map.of()));
                }
            }
        }
        List<StageAttempt> out = new ArrayList<>(rows.size());
        for (StageAttempt a : rows) {
            out.add(withOutputs(c, a));
        }
        return out;
    }

    private static StageAttempt withOutputs(Connection c, StageAttempt a) throws SQLException {
        Map<String, String> outputs = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, artifact_sha256 FROM stage_output WHERE stage_attempt_id = ? ORDER BY name")) {
            ps.setLong(1, a.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outputs.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return new StageAttempt(a.id(), a.runId(), a.stage(), a.part(), a.attempt(), a.stageKey(), a.status(), a.worker(),
                a.startedAt(), a.endedAt(), a.progressJson(), a.resumedFromIteration(), a.reusedAttemptId(),
                a.errorClass(), a.errorMessage(), Map.copyOf(outputs));
    }

    private static PipelineRun run(ResultSet rs) throws SQLException {
        return new PipelineRun(rs.getString("id"), rs.getString("workflow_id"), rs.getString("spec"),
                RunStatus.valueOf(rs.getString("status")), rs.getString("code_version"), rs.getString("dataset"),
                rs.getString("resumed_from"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "ended_at"), rs.getString("error"));
    }

    static ArtifactRecord artifact(ResultSet rs) throws SQLException {
        return new ArtifactRecord(rs.getString("sha256"), rs.getLong("size_bytes"), rs.getString("media_type"),
                rs.getString("s3_key"), (Long) rs.getObject("produced_by"), instant(rs, "created_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static void setInteger(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}

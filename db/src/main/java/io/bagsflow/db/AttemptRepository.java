package io.bagsflow.db;

import io.bagsflow.model.FailureType;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stage attempts ({@code stage_attempt}) and their named outputs ({@code stage_output}). Every write that belongs
 * together (an attempt's end and its outputs, say) is one transaction; opening an attempt locks its run, so two
 * workers number the attempts of one run one after the other.
 */
public final class AttemptRepository {

    /** SQL ordering rows by stage in pipeline order (the order of {@link Stage}). */
    static final String STAGE_ORDER = Arrays.stream(Stage.values())
            .map(s -> "WHEN '" + s.name() + "' THEN " + s.ordinal())
            .collect(Collectors.joining(" ", "CASE stage ", " END"));

    private final Database db;

    public AttemptRepository(Database db) {
        this.db = db;
    }

    // ---- opening and closing

    /**
     * Opens the next attempt of a part of a stage of a run (attempt numbers count from 1 per run, stage and part),
     * status RUNNING. An earlier attempt of the same part still marked RUNNING belonged to a worker that was lost
     * (the new attempt exists because Temporal gave up on it): it is closed as FAILED, saying so.
     */
    public StageAttempt startAttempt(String runId, Stage stage, String part, String stageKey, String worker) {
        return db.inTransaction(c -> {
            RunStatus run = lockRun(c, runId);
            if (run.ended()) {
                // a late worker of a run that was aborted or failed meanwhile: nothing opens in an ended run
                throw new Transitions.IllegalTransition(
                        "run " + runId + " is " + run + ": no attempt of " + stage + (part.isEmpty() ? "" : "/" + part)
                                + " starts in an ended run",
                        run.name(),
                        AttemptStatus.RUNNING.name());
            }
            closeLostAttempts(c, runId, stage.name(), part);
            long id = insertAttempt(c, runId, stage.name(), part, stageKey, worker, null);
            RunRepository.touch(c, runId);
            return attempt(c, id);
        });
    }

    /**
     * Records an attempt that failed before it could start its work (computing its stage key failed: hashing the
     * input files, listing an S3 prefix): a FAILED attempt with the error, so the stage shows why and
     * {@code stage retry} accepts it. {@code stageKey} is whatever part of the key is known.
     */
    public StageAttempt recordFailedAttempt(
            String runId,
            Stage stage,
            String part,
            String stageKey,
            String worker,
            String errorClass,
            String errorMessage) {
        return db.inTransaction(c -> {
            lockRun(c, runId);
            long id = insertAttempt(c, runId, stage.name(), part, stageKey, worker, null);
            close(c, id, AttemptStatus.FAILED, errorClass, errorMessage, null);
            RunRepository.touch(c, runId);
            return attempt(c, id);
        });
    }

    /** Notes that a running attempt continued from a checkpoint of an earlier attempt, at this iteration. */
    public void markResumed(long attemptId, int iteration) {
        db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE stage_attempt SET resumed_from_iteration = ? WHERE id = ?")) {
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
        return succeedAttempt(attemptId, outputs, null, c -> null);
    }

    /**
     * As {@link #succeedAttempt(long, Map)}, also storing the attempt's final progress (its last state; null keeps
     * what is stored), with more writes (models, evaluations) in the same transaction.
     */
    public StageAttempt succeedAttempt(
            long attemptId,
            Map<String, ArtifactRecord> outputs,
            String finalProgressJson,
            Database.SqlWork<?> alsoInTransaction) {
        return db.inTransaction(c -> {
            for (Map.Entry<String, ArtifactRecord> e : outputs.entrySet()) {
                ArtifactRepository.insert(c, e.getValue());
                linkOutput(c, attemptId, e.getKey(), e.getValue().sha256());
            }
            // after the outputs: lineage rows refer to them
            alsoInTransaction.run(c);
            Optional<AttemptStatus> found = close(c, attemptId, AttemptStatus.SUCCEEDED, null, null, finalProgressJson);
            if (found.isPresent()) {
                // rolls back the outputs and lineage: an attempt the reconciler closed as lost stays lost
                throw Transitions.ATTEMPT.refused(String.valueOf(attemptId), found.get(), AttemptStatus.SUCCEEDED);
            }
            return attempt(c, attemptId);
        });
    }

    /**
     * Closes an attempt as FAILED with the error's class and message if it is still RUNNING; returns whether it
     * was (an attempt that has ended keeps its end).
     */
    public boolean failAttempt(long attemptId, String errorClass, String errorMessage) {
        return failAttempt(attemptId, errorClass, errorMessage, null);
    }

    /** As {@link #failAttempt(long, String, String)}, also storing the attempt's final progress (null keeps it). */
    public boolean failAttempt(long attemptId, String errorClass, String errorMessage, String finalProgressJson) {
        return db.inTransaction(
                        c -> close(c, attemptId, AttemptStatus.FAILED, errorClass, errorMessage, finalProgressJson))
                .isEmpty();
    }

    /**
     * Records that a part of a stage of {@code runId} reused the outputs of an earlier successful attempt: a new
     * attempt with status REUSED, the same key and the same outputs.
     */
    public StageAttempt recordReuse(String runId, Stage stage, String part, String worker, StageAttempt reused) {
        return recordReuse(runId, stage, part, worker, reused, (c, attemptId) -> {});
    }

    /**
     * As {@link #recordReuse(String, Stage, String, String, StageAttempt)}, with more writes in the same
     * transaction.
     */
    public StageAttempt recordReuse(
            String runId, Stage stage, String part, String worker, StageAttempt reused, AttemptWork alsoInTransaction) {
        return db.inTransaction(c -> {
            lockRun(c, runId);
            // a retry that reuses another run's finished attempt (an experiment cell whose shared work another
            // cell completed) also closes the attempt its lost worker left RUNNING
            closeLostAttempts(c, runId, stage.name(), part);
            long id = insertAttempt(c, runId, stage.name(), part, reused.stageKey(), worker, reused.id());
            for (Map.Entry<String, String> e : reused.outputs().entrySet()) {
                linkOutput(c, id, e.getKey(), e.getValue());
            }
            alsoInTransaction.run(c, id);
            RunRepository.touch(c, runId);
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

    // ---- finding

    public Optional<StageAttempt> findAttempt(long attemptId) {
        return db.inTransaction(
                c -> attempts(c, "id = ?", "", attemptId).stream().findFirst());
    }

    /**
     * The attempts that computed outputs with this stage key, in any run, the first finished first: the candidates
     * for stage reuse, in the order to try them. The oldest comes first so that every run reuses the same outputs:
     * attempts of one key may differ in bytes that do not count (a training curve records the attempt's speed),
     * and a later attempt (a run with reuse off) must not switch later runs to outputs whose downstream stages
     * were never made. Reused attempts are left out: they hold the outputs of one of these.
     */
    public List<StageAttempt> findReusableAttempts(String stageKey) {
        return db.inTransaction(
                c -> attempts(c, "stage_key = ? AND status = 'SUCCEEDED'", "ORDER BY ended_at, id", stageKey));
    }

    /**
     * This run's own completed attempt of a part with this key, if any: an activity retried after its success was
     * recorded (its completion lost on the way to Temporal) finds its earlier self here.
     */
    public Optional<StageAttempt> findOwnCompletedAttempt(String runId, Stage stage, String part, String stageKey) {
        return db.inTransaction(c -> attempts(
                        c,
                        "run_id = ? AND stage = ? AND part = ? AND stage_key = ? "
                                + "AND status IN ('SUCCEEDED', 'REUSED')",
                        "ORDER BY id DESC LIMIT 1",
                        runId,
                        stage.name(),
                        part,
                        stageKey)
                .stream()
                .findFirst());
    }

    /**
     * The completed attempts of a stage of a run, the newest per part (for {@code --resume-from RUN}), by part.
     */
    public List<StageAttempt> findCompletedAttempts(String runId, Stage stage) {
        return db.inTransaction(c -> attempts(
                c,
                "id IN (SELECT DISTINCT ON (part) id FROM stage_attempt "
                        + "WHERE run_id = ? AND stage = ? AND status IN ('SUCCEEDED', 'REUSED') ORDER BY part, attempt DESC)",
                "ORDER BY part",
                runId,
                stage.name()));
    }

    /** The attempts of a run still marked RUNNING, oldest first. */
    public List<StageAttempt> runningAttempts(String runId) {
        return db.inTransaction(c -> attempts(c, "run_id = ? AND status = 'RUNNING'", "ORDER BY id", runId));
    }

    /** The stage of this run whose attempt output these bytes (for a corrupt input: who must make it again). */
    public Optional<Stage> producerStage(String runId, String sha256) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.stage FROM stage_attempt s "
                    + "JOIN stage_output o ON o.stage_attempt_id = s.id WHERE s.run_id = ? AND o.artifact_sha256 = ? "
                    + "ORDER BY " + STAGE_ORDER + " LIMIT 1")) {
                ps.setString(1, runId);
                ps.setString(2, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Stage.valueOf(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    /** Every attempt of a run with its outputs, in stage order, then start time. */
    static List<StageAttempt> attemptsOfRun(Connection c, String runId) throws SQLException {
        return attempts(c, "run_id = ?", "ORDER BY " + STAGE_ORDER + ", started_at, id", runId);
    }

    // ---- helpers

    /** Locks a run's row and returns its status. */
    private static RunStatus lockRun(Connection c, String runId) throws SQLException {
        // Serialises attempt numbering per run: two workers may open attempts of the same run at once; and an end
        // of the run (which takes the same row lock) cannot pass between the check of its status and the insert.
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM pipeline_run WHERE id = ? FOR UPDATE")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException("no run " + runId);
                }
                return RunStatus.valueOf(rs.getString(1));
            }
        }
    }

    /** Ends a RUNNING attempt (see {@link Transitions#ATTEMPT}); returns empty, or the status found if it had ended. */
    private static Optional<AttemptStatus> close(
            Connection c,
            long attemptId,
            AttemptStatus status,
            String errorClass,
            String errorMessage,
            String finalProgressJson)
            throws SQLException {
        return Transitions.compareAndSet(
                c,
                Transitions.ATTEMPT,
                "stage_attempt",
                attemptId,
                status,
                "ended_at = now(), error_class = ?, error_message = ?, progress = COALESCE(?::jsonb, progress)",
                errorClass,
                errorMessage,
                finalProgressJson);
    }

    /** An attempt still RUNNING when its part starts again lost its worker: closed as FAILED, saying so. */
    private static void closeLostAttempts(Connection c, String runId, String stage, String part) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE stage_attempt SET status = 'FAILED', "
                + "ended_at = now(), error_class = ?, error_message = 'the worker ' || "
                + "COALESCE(worker, '?') || ' stopped heartbeating; the stage was retried' "
                + "WHERE run_id = ? AND stage = ? AND part = ? AND status = 'RUNNING'")) {
            ps.setString(1, FailureType.WorkerLost.name());
            ps.setString(2, runId);
            ps.setString(3, stage);
            ps.setString(4, part);
            ps.executeUpdate();
        }
    }

    /**
     * Inserts the next attempt of a part (numbered per run, stage and part): RUNNING, or, with
     * {@code reusedAttemptId}, REUSED and already ended. The run must be locked.
     */
    private static long insertAttempt(
            Connection c, String runId, String stage, String part, String stageKey, String worker, Long reusedAttemptId)
            throws SQLException {
        boolean reuse = reusedAttemptId != null;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stage_attempt (run_id, stage, part, attempt, "
                + "stage_key, status, worker, ended_at, reused_attempt_id) VALUES (?, ?, ?, "
                + "(SELECT COALESCE(MAX(attempt), 0) + 1 FROM stage_attempt "
                + "WHERE run_id = ? AND stage = ? AND part = ?), "
                + "?, ?, ?, " + (reuse ? "now()" : "NULL") + ", ?) RETURNING id")) {
            Jdbc.bind(
                    ps,
                    runId,
                    stage,
                    part,
                    runId,
                    stage,
                    part,
                    stageKey,
                    (reuse ? AttemptStatus.REUSED : AttemptStatus.RUNNING).name(),
                    worker);
            Jdbc.setLong(ps, 10, reusedAttemptId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
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

    private static StageAttempt attempt(Connection c, long id) throws SQLException {
        return attempts(c, "id = ?", "", id).get(0);
    }

    /** The attempts matching {@code where}, each with its outputs: two queries however many attempts match. */
    private static List<StageAttempt> attempts(Connection c, String where, String order, Object... args)
            throws SQLException {
        List<StageAttempt> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM stage_attempt WHERE " + where + " " + order)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(attempt(rs, Map.of()));
                }
            }
        }
        if (rows.isEmpty()) {
            return rows;
        }
        Map<Long, Map<String, String>> outputs =
                outputsOf(c, rows.stream().map(StageAttempt::id).toList());
        List<StageAttempt> out = new ArrayList<>(rows.size());
        for (StageAttempt a : rows) {
            out.add(a.withOutputs(Map.copyOf(outputs.getOrDefault(a.id(), Map.of()))));
        }
        return out;
    }

    /** The named outputs (artifact sha256 by name) of these attempts, by attempt id, in one query. */
    private static Map<Long, Map<String, String>> outputsOf(Connection c, List<Long> attemptIds) throws SQLException {
        Map<Long, Map<String, String>> outputs = new HashMap<>();
        Array ids = c.createArrayOf("bigint", attemptIds.toArray());
        try (PreparedStatement ps = c.prepareStatement("SELECT stage_attempt_id, name, artifact_sha256 "
                + "FROM stage_output WHERE stage_attempt_id = ANY (?) ORDER BY stage_attempt_id, name")) {
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outputs.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                            .put(rs.getString(2), rs.getString(3));
                }
            }
        } finally {
            ids.free();
        }
        return outputs;
    }

    private static StageAttempt attempt(ResultSet rs, Map<String, String> outputs) throws SQLException {
        return new StageAttempt(
                rs.getLong("id"),
                rs.getString("run_id"),
                Stage.valueOf(rs.getString("stage")),
                rs.getString("part"),
                rs.getInt("attempt"),
                rs.getString("stage_key"),
                AttemptStatus.valueOf(rs.getString("status")),
                rs.getString("worker"),
                Jdbc.instant(rs, "started_at"),
                Jdbc.instant(rs, "ended_at"),
                rs.getString("progress"),
                (Integer) rs.getObject("resumed_from_iteration"),
                (Long) rs.getObject("reused_attempt_id"),
                rs.getString("error_class"),
                rs.getString("error_message"),
                outputs);
    }
}

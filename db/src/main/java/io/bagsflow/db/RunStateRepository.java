package io.bagsflow.db;

import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How runs and attempts end when nobody is left to end them: a workflow that failed, was terminated or was lost
 * with an in-memory Temporal server, an attempt whose worker died. Every update is conditional on the row still
 * being open (RUNNING, or a run not yet ended), so a late writer never turns an ended record back.
 */
public final class RunStateRepository {

    private final Database db;

    public RunStateRepository(Database db) {
        this.db = db;
    }

    /**
     * Ends a run that is still RUNNING or WAITING_FOR_RETRY with {@code status} (FAILED or ABORTED) and why;
     * returns false when it had already ended (the first end stays).
     */
    public boolean endRun(String runId, RunStatus status, String error) {
        return db.inTransaction(c -> endRun(c, runId, status, error));
    }

    private static boolean endRun(Connection c, String runId, RunStatus status, String error) throws SQLException {
        if (!status.ended()) {
            throw new IllegalArgumentException("not an end status: " + status);
        }
        return Transitions.compareAndSet(
                        c,
                        Transitions.RUN,
                        "pipeline_run",
                        runId,
                        status,
                        "error = ?, updated_at = now(), ended_at = now()",
                        error)
                .isEmpty();
    }

    /**
     * Ends a run that is still open (see {@link #endRun}) and closes every attempt of it still marked RUNNING as
     * FAILED with {@code errorClass} and {@code attemptMessage}, in one transaction: afterwards nothing in the run's
     * record claims to be running, and nobody sees the run ended with an attempt still running. Returns whether the
     * run was still open; the attempts are closed either way (a run that ended has none running).
     */
    public boolean endRunAndAttempts(
            String runId, RunStatus status, String error, String errorClass, String attemptMessage) {
        return db.inTransaction(c -> {
            boolean ended = endRun(c, runId, status, error);
            try (PreparedStatement ps = c.prepareStatement("UPDATE stage_attempt SET status = 'FAILED', "
                    + "ended_at = now(), error_class = ?, error_message = ? WHERE run_id = ? AND status = 'RUNNING'")) {
                ps.setString(1, errorClass);
                ps.setString(2, attemptMessage);
                ps.setString(3, runId);
                ps.executeUpdate();
            }
            return ended;
        });
    }

    /**
     * Marks a run RUNNING again when its lost workflow was started again, clearing an end written by mistake. Only
     * a run that is still open (RUNNING or WAITING_FOR_RETRY) is reopened: one that an abort or the reconciler ended
     * meanwhile stays ended. Returns empty when the run is RUNNING now, else the status found (so that the caller
     * stops the workflow it started).
     */
    public Optional<RunStatus> reopenRun(String runId) {
        return db.inTransaction(c -> Transitions.compareAndSet(
                c,
                Transitions.RUN,
                "pipeline_run",
                runId,
                RunStatus.RUNNING,
                "error = NULL, updated_at = now(), ended_at = NULL"));
    }

    /** Why a run ended FAILED or ABORTED (null while it runs or when it succeeded). */
    public Optional<String> error(String runId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT error FROM pipeline_run WHERE id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Remembers a run's first recomputed stage (with --resume-from), so a lost workflow restarts the same way. */
    public void setResumeFromStage(String runId, Stage stage) {
        db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE pipeline_run SET resume_from_stage = ? WHERE id = ?")) {
                ps.setString(1, stage.name());
                ps.setString(2, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<Stage> resumeFromStage(String runId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT resume_from_stage FROM pipeline_run WHERE id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)).map(Stage::valueOf) : Optional.empty();
                }
            }
        });
    }

    /**
     * The database's clock now: the clock that stamps attempts' {@code started_at}, so that a snapshot taken by
     * another machine can be compared with them without trusting two clocks to agree.
     */
    public Instant databaseNow() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
        });
    }

    /** The ids of runs that PostgreSQL says are in flight: RUNNING or WAITING_FOR_RETRY. */
    public List<String> openRuns() {
        return db.inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM pipeline_run "
                            + "WHERE status IN ('RUNNING', 'WAITING_FOR_RETRY') ORDER BY created_at");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }
}

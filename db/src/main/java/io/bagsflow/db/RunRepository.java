package io.bagsflow.db;

import io.bagsflow.model.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pipeline runs ({@code pipeline_run}): created when a run starts, listed and shown with their attempts and
 * artifacts. The attempts themselves are written through {@link AttemptRepository}, how runs end when nobody is
 * left to end them through {@link RunStateRepository}.
 */
public final class RunRepository {

    private final Database db;
    private final Stamps stamps;

    /** Runs stamped by the database's clock (production). */
    public RunRepository(Database db) {
        this(db, Stamps.database());
    }

    /**
     * Runs whose creation, update and end times this repository writes are read from {@code clock}: a test moves
     * it on instead of sleeping to tell two runs' times apart. (An attempt opening still marks its run changed by
     * the database's clock.)
     */
    public RunRepository(Database db, Clock clock) {
        this(db, Stamps.of(clock));
    }

    private RunRepository(Database db, Stamps stamps) {
        this.db = db;
        this.stamps = stamps;
    }

    /** The database behind this repository, for the repositories of other tables on the same connections. */
    public Database database() {
        return db;
    }

    /** Inserts a run in status RUNNING. */
    public PipelineRun createRun(
            String id, String workflowId, String specJson, String codeVersion, String dataset, String resumedFrom) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO pipeline_run (id, workflow_id, spec, status, code_version, dataset, resumed_from, "
                            + "created_at, updated_at) SELECT ?, ?, ?::jsonb, 'RUNNING', ?, ?, ?, t, t FROM (SELECT "
                            + Stamps.NOW + " AS t) now")) {
                Jdbc.bind(ps, id, workflowId, specJson, codeVersion, dataset, resumedFrom, stamps.now());
                ps.executeUpdate();
            }
            return findRun(c, id).orElseThrow();
        });
    }

    /**
     * Moves a run to {@code status} if {@link Transitions#RUN} allows it from the status it has; terminal statuses
     * (SUCCEEDED, FAILED, ABORTED) also set its end time. A write that finds the run already in {@code status} (a
     * retried activity whose first try landed) changes nothing and returns false; any other refusal throws
     * {@link Transitions.IllegalTransition} naming the status found, so an ended run is never reopened or re-ended.
     */
    public boolean updateRunStatus(String runId, RunStatus status) {
        boolean terminal = status.ended();
        return db.inTransaction(c -> {
            Optional<RunStatus> found = Transitions.compareAndSet(
                    c,
                    Transitions.RUN,
                    "pipeline_run",
                    runId,
                    status,
                    "updated_at = " + Stamps.NOW + ", ended_at = " + (terminal ? Stamps.NOW : "NULL"),
                    terminal ? new Object[] {stamps.now(), stamps.now()} : new Object[] {stamps.now()});
            if (found.isEmpty()) {
                return true;
            }
            if (found.get() == status) {
                return false;
            }
            throw Transitions.RUN.refused(runId, found.get(), status);
        });
    }

    /** Replaces a run's stored spec, e.g. with the effective spec after a retry with overrides. */
    public void updateSpec(String runId, String specJson) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE pipeline_run SET spec = ?::jsonb, updated_at = " + Stamps.NOW + " WHERE id = ?")) {
                ps.setString(1, specJson);
                ps.setObject(2, stamps.now());
                ps.setString(3, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<PipelineRun> findRun(String runId) {
        return db.inTransaction(c -> findRun(c, runId));
    }

    /** Runs newest first, filtered by status, creation time, dataset label, name and tags. */
    public List<PipelineRun> listRuns(RunFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT * FROM pipeline_run WHERE true");
        List<Object> args = new ArrayList<>();
        if (filter.status() != null) {
            sql.append(" AND status = ?");
            args.add(filter.status().name());
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
        if (filter.nameGlob() != null) {
            sql.append(" AND name LIKE ?");
            args.add(filter.nameLikePattern());
        }
        for (var tag : new TreeMap<>(filter.tags()).entrySet()) {
            sql.append(
                    " AND EXISTS (SELECT 1 FROM run_tag t WHERE t.run_id = pipeline_run.id AND t.key = ? AND t.value = ?)");
            args.add(tag.getKey());
            args.add(tag.getValue());
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ?");
        args.add(filter.limit() > 0 ? filter.limit() : 100);
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                Jdbc.bind(ps, args.toArray());
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
            return Optional.of(new RunDetails(
                    run.get(), AttemptRepository.attemptsOfRun(c, runId), ArtifactRepository.outputsOfRun(c, runId)));
        });
    }

    /** Marks a run as changed now (an attempt of it opened), inside another transaction. */
    static void touch(Connection c, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pipeline_run SET updated_at = now() WHERE id = ?")) {
            ps.setString(1, runId);
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

    private static PipelineRun run(ResultSet rs) throws SQLException {
        return new PipelineRun(
                rs.getString("id"),
                rs.getString("workflow_id"),
                rs.getString("spec"),
                RunStatus.valueOf(rs.getString("status")),
                rs.getString("code_version"),
                rs.getString("dataset"),
                rs.getString("resumed_from"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "updated_at"),
                Jdbc.instant(rs, "ended_at"),
                rs.getString("error"));
    }
}

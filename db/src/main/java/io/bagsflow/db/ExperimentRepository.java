package io.bagsflow.db;

import io.bagsflow.model.CellStatus;
import io.bagsflow.model.ExperimentStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Experiments and their cells (plain JDBC). A cell's status is its run's, read through a join. */
public final class ExperimentRepository {

    private final Database db;

    public ExperimentRepository(Database db) {
        this.db = db;
    }

    /** The database behind this repository, for the repositories of other tables on the same connections. */
    public Database database() {
        return db;
    }

    /** A cell as planned: its grid values (JSON), seed and run id. */
    public record PlannedCell(int index, String paramsJson, Long seed, String runId) {}

    /** Inserts the experiment (RUNNING) and all its cells in one transaction. */
    public ExperimentRecord create(String id, String specJson, String codeVersion, List<PlannedCell> cells) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO experiment (id, spec, status, code_version) "
                    + "VALUES (?, ?::jsonb, 'RUNNING', ?)")) {
                ps.setString(1, id);
                ps.setString(2, specJson);
                ps.setString(3, codeVersion);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO experiment_cell "
                    + "(experiment_id, cell_index, params, seed, run_id) VALUES (?, ?, ?, ?, ?)")) {
                for (PlannedCell cell : cells) {
                    ps.setString(1, id);
                    ps.setInt(2, cell.index());
                    ps.setString(3, cell.paramsJson());
                    Jdbc.setLong(ps, 4, cell.seed());
                    ps.setString(5, cell.runId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return find(c, id).orElseThrow();
        });
    }

    /**
     * Moves an experiment to {@code status} if {@link Transitions#EXPERIMENT} allows it; an ended experiment keeps
     * its end. Returns false when it already had {@code status} (a retried write); throws
     * {@link Transitions.IllegalTransition} naming the status found for any other refusal.
     */
    public boolean updateStatus(String id, ExperimentStatus status) {
        boolean terminal = status != ExperimentStatus.RUNNING;
        return db.inTransaction(c -> {
            Optional<ExperimentStatus> found = Transitions.compareAndSet(
                    c,
                    Transitions.EXPERIMENT,
                    "experiment",
                    id,
                    status,
                    "updated_at = now(), ended_at = " + (terminal ? "COALESCE(ended_at, now())" : "NULL"));
            if (found.isEmpty()) {
                return true;
            }
            if (found.get() == status) {
                return false;
            }
            throw Transitions.EXPERIMENT.refused(id, found.get(), status);
        });
    }

    /** Experiments still RUNNING, oldest first. */
    public List<ExperimentRecord> running() {
        return db.inTransaction(c -> {
            List<ExperimentRecord> out = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT * FROM experiment WHERE status = ? ORDER BY created_at")) {
                ps.setString(1, ExperimentStatus.RUNNING.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(experiment(rs));
                    }
                }
            }
            return out;
        });
    }

    public Optional<ExperimentRecord> find(String id) {
        return db.inTransaction(c -> find(c, id));
    }

    /** Newest first. */
    public List<ExperimentRecord> list(int limit) {
        return db.inTransaction(c -> {
            List<ExperimentRecord> out = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT * FROM experiment ORDER BY created_at DESC, id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(experiment(rs));
                    }
                }
            }
            return out;
        });
    }

    /** The cells in plan order, each with its run's status (PENDING before the run exists). */
    public List<ExperimentCellRecord> cells(String experimentId) {
        return db.inTransaction(c -> {
            List<ExperimentCellRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT c.experiment_id, c.cell_index, c.params, "
                    + "c.seed, c.run_id, r.status FROM experiment_cell c "
                    + "LEFT JOIN pipeline_run r ON r.id = c.run_id WHERE c.experiment_id = ? ORDER BY c.cell_index")) {
                ps.setString(1, experimentId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long seed = rs.getLong(4);
                        out.add(new ExperimentCellRecord(
                                rs.getString(1),
                                rs.getInt(2),
                                rs.getString(3),
                                rs.wasNull() ? null : seed,
                                rs.getString(5),
                                rs.getString(6) == null ? CellStatus.PENDING : CellStatus.valueOf(rs.getString(6))));
                    }
                }
            }
            return out;
        });
    }

    /** The experiment a run belongs to, if it is a cell of one. */
    public Optional<String> experimentOfRun(String runId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT experiment_id FROM experiment_cell WHERE run_id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    private static Optional<ExperimentRecord> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM experiment WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(experiment(rs)) : Optional.empty();
            }
        }
    }

    private static ExperimentRecord experiment(ResultSet rs) throws SQLException {
        return new ExperimentRecord(
                rs.getString("id"),
                rs.getString("spec"),
                ExperimentStatus.valueOf(rs.getString("status")),
                rs.getString("code_version"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "ended_at"));
    }
}

package io.bagsflow.db;

import static io.bagsflow.db.Jdbc.instant;
import static io.bagsflow.db.Jdbc.setInteger;
import static io.bagsflow.db.Jdbc.setLong;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lineage: model generations with their parents, and their evaluations with per-category values. Everything
 * {@code compare} and {@code runs show} print about models comes from here.
 */
public final class LineageRepository {

    private static final String[] METRIC_COLUMNS = {
        "ap", "ap50", "ap75", "aps", "apm", "apl", "apr", "apc", "apf", "ar300", "ars300", "arm300", "arl300"
    };

    private final Database db;

    public LineageRepository(Database db) {
        this.db = db;
    }

    // ---- models

    /** Inserts a model; inserting the same id again is a no-op (a retried activity may record twice). */
    public ModelRecord insertModel(ModelRecord m) {
        return db.inTransaction(c -> {
            insertModel(c, m);
            return findModel(c, m.id()).orElseThrow();
        });
    }

    /**
     * Points a run's model at the checkpoint an attempt made again (its stored bytes were corrupt and a remade
     * training gave other bytes): without this, the row would keep naming the removed checkpoint. A no-op when the
     * row already has this checkpoint.
     */
    public static void remakeModel(Connection c, ModelRecord m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE model SET checkpoint_sha256 = ?, stage_attempt_id = ? "
                + "WHERE id = ? AND checkpoint_sha256 <> ?")) {
            ps.setString(1, m.checkpointSha256());
            setLong(ps, 2, m.stageAttemptId());
            ps.setString(3, m.id());
            ps.setString(4, m.checkpointSha256());
            ps.executeUpdate();
        }
    }

    /** Inserts a model within the caller's transaction (see {@link #insertModel(ModelRecord)}). */
    public static void insertModel(Connection c, ModelRecord m) throws SQLException {
        {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO model (id, run_id, generation, kind, "
                            + "parent_model_id, checkpoint_sha256, manifest_sha256, groups_sha256, config, code_version, "
                            + "stage_attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                ps.setString(1, m.id());
                ps.setString(2, m.runId());
                ps.setInt(3, m.generation());
                ps.setString(4, m.kind());
                ps.setString(5, m.parentModelId());
                ps.setString(6, m.checkpointSha256());
                ps.setString(7, m.manifestSha256());
                ps.setString(8, m.groupsSha256());
                ps.setString(9, m.configJson());
                ps.setString(10, m.codeVersion());
                setLong(ps, 11, m.stageAttemptId());
                ps.executeUpdate();
            }
        }
    }

    public Optional<ModelRecord> findModel(String modelId) {
        return db.inTransaction(c -> findModel(c, modelId));
    }

    /** The models of a run, by generation then kind. */
    public List<ModelRecord> modelsOfRun(String runId) {
        return db.inTransaction(
                c -> models(c, "SELECT * FROM model WHERE run_id = ? ORDER BY generation, kind, id", runId));
    }

    /** A model and its ancestors: the model first, then its parent, up to generation 0. */
    public List<ModelRecord> ancestry(String modelId) {
        return db.inTransaction(c -> models(
                c,
                "WITH RECURSIVE chain AS ("
                        + " SELECT m.*, 0 AS depth FROM model m WHERE m.id = ?"
                        + " UNION ALL"
                        + " SELECT p.*, chain.depth + 1 FROM model p JOIN chain ON p.id = chain.parent_model_id"
                        + ") SELECT * FROM chain ORDER BY depth",
                modelId));
    }

    // ---- evaluations

    /** Inserts an evaluation and its per-category values in one transaction; returns it with its id. */
    public EvaluationRecord insertEvaluation(EvaluationRecord e, List<CategoryAp> perCategory) {
        return db.inTransaction(c -> {
            long id = insertEvaluation(c, e, perCategory);
            return evaluations(c, "SELECT * FROM evaluation WHERE id = ?", id).get(0);
        });
    }

    /**
     * Inserts an evaluation and its per-category values within the caller's transaction; returns its id. Recording
     * the same model, dataset, results, split and IoU type again (a retried activity) returns the existing
     * evaluation's id.
     */
    public static long insertEvaluation(Connection c, EvaluationRecord e, List<CategoryAp> perCategory)
            throws SQLException {
        {
            long id;
            StringBuilder cols = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (String col : METRIC_COLUMNS) {
                cols.append(", ").append(col);
                marks.append(", ?");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO evaluation (model_id, run_id, dataset_sha256, "
                    + "results_sha256, stage_attempt_id, split, iou_type" + cols + ") VALUES (?, ?, ?, ?, ?, ?, ?"
                    + marks + ") ON CONFLICT (model_id, dataset_sha256, results_sha256, split, iou_type) DO NOTHING "
                    + "RETURNING id")) {
                ps.setString(1, e.modelId());
                ps.setString(2, e.runId());
                ps.setString(3, e.datasetSha256());
                ps.setString(4, e.resultsSha256());
                setLong(ps, 5, e.stageAttemptId());
                ps.setString(6, e.split());
                ps.setString(7, e.iouType());
                double[] v = e.metrics().values();
                for (int i = 0; i < v.length; i++) {
                    ps.setDouble(8 + i, v[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return existingEvaluation(c, e);
                    }
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO category_ap (evaluation_id, category_id, "
                    + "frequency, train_instances, " + String.join(", ", CategoryAp.COLUMNS) + ") "
                    + "VALUES (?, ?, ?, ?" + ", ?".repeat(CategoryAp.COLUMNS.size()) + ")")) {
                for (CategoryAp a : perCategory) {
                    ps.setLong(1, id);
                    ps.setInt(2, a.categoryId());
                    ps.setString(3, a.frequency());
                    setInteger(ps, 4, a.trainInstances());
                    for (int i = 0; i < a.values().size(); i++) {
                        ps.setDouble(5 + i, a.values().get(i));
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return id;
        }
    }

    private static long existingEvaluation(Connection c, EvaluationRecord e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM evaluation WHERE model_id = ? "
                + "AND dataset_sha256 = ? AND results_sha256 IS NOT DISTINCT FROM ? AND split = ? AND iou_type = ?")) {
            ps.setString(1, e.modelId());
            ps.setString(2, e.datasetSha256());
            ps.setString(3, e.resultsSha256());
            ps.setString(4, e.split());
            ps.setString(5, e.iouType());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A model's evaluations, oldest first. */
    public List<EvaluationRecord> evaluationsOfModel(String modelId) {
        return db.inTransaction(
                c -> evaluations(c, "SELECT * FROM evaluation WHERE model_id = ? ORDER BY created_at, id", modelId));
    }

    /** The evaluations made in a run, oldest first. */
    public List<EvaluationRecord> evaluationsOfRun(String runId) {
        return db.inTransaction(
                c -> evaluations(c, "SELECT * FROM evaluation WHERE run_id = ? ORDER BY created_at, id", runId));
    }

    /**
     * Per run, the newest evaluation made in that run of its model of this kind ({@code base}, {@code bags}, ...):
     * the numbers a runs list shows in its metric columns (box AP: mask evaluations are left aside). Runs without
     * such an evaluation are left out.
     */
    public Map<String, EvaluationRecord> newestEvaluationsOfKind(Collection<String> runIds, String kind) {
        return newestEvaluationsOfKind(runIds, kind, EvaluationRecord.BBOX);
    }

    /**
     * As {@link #newestEvaluationsOfKind(Collection, String)}, of one IoU type: {@link EvaluationRecord#SEGM} gives
     * the mask AP a runs list shows beside the box AP of runs whose models have a mask head.
     */
    public Map<String, EvaluationRecord> newestEvaluationsOfKind(
            Collection<String> runIds, String kind, String iouType) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        return db.inTransaction(c -> {
            Map<String, EvaluationRecord> out = new HashMap<>();
            for (EvaluationRecord e : evaluations(
                    c,
                    "SELECT e.* FROM evaluation e JOIN model m ON m.id = e.model_id "
                            // the reported split last, so it is the one kept: test where a run has it
                            + "WHERE e.run_id = ANY (?) AND m.kind = ? AND e.iou_type = ? "
                            + "ORDER BY (e.split = ?), e.created_at, e.id",
                    c.createArrayOf("text", runIds.toArray()),
                    kind,
                    iouType,
                    EvaluationRecord.TEST)) {
                out.put(e.runId(), e);
            }
            return out;
        });
    }

    /** Per-category values of an evaluation, by category id. */
    public List<CategoryAp> categoryAps(long evaluationId) {
        return db.inTransaction(c -> categoryAps(c, evaluationId));
    }

    /** The models recorded by a stage attempt. */
    public List<ModelRecord> modelsOfAttempt(long attemptId) {
        return db.inTransaction(c -> modelsOfAttempt(c, attemptId));
    }

    /** The models recorded by a stage attempt, within the caller's transaction. */
    public static List<ModelRecord> modelsOfAttempt(Connection c, long attemptId) throws SQLException {
        return models(c, "SELECT * FROM model WHERE stage_attempt_id = ? ORDER BY generation, kind, id", attemptId);
    }

    /** The evaluations recorded by a stage attempt, within the caller's transaction. */
    public static List<EvaluationRecord> evaluationsOfAttempt(Connection c, long attemptId) throws SQLException {
        return evaluations(c, "SELECT * FROM evaluation WHERE stage_attempt_id = ? ORDER BY id", attemptId);
    }

    /** Per-category values of an evaluation, within the caller's transaction. */
    public static List<CategoryAp> categoryAps(Connection c, long evaluationId) throws SQLException {
        List<CategoryAp> out = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT * FROM category_ap WHERE evaluation_id = ? ORDER BY category_id")) {
            ps.setLong(1, evaluationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Double> values = new ArrayList<>(CategoryAp.COLUMNS.size());
                    for (String column : CategoryAp.COLUMNS) {
                        values.add(rs.getDouble(column));
                    }
                    out.add(new CategoryAp(
                            rs.getInt("category_id"),
                            rs.getString("frequency"),
                            (Integer) rs.getObject("train_instances"),
                            values));
                }
            }
        }
        return out;
    }

    // ---- helpers

    public static Optional<ModelRecord> findModel(Connection c, String id) throws SQLException {
        return models(c, "SELECT * FROM model WHERE id = ?", id).stream().findFirst();
    }

    private static List<ModelRecord> models(Connection c, String sql, Object arg) throws SQLException {
        List<ModelRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ModelRecord(
                            rs.getString("id"),
                            rs.getString("run_id"),
                            rs.getInt("generation"),
                            rs.getString("kind"),
                            rs.getString("parent_model_id"),
                            rs.getString("checkpoint_sha256"),
                            rs.getString("manifest_sha256"),
                            rs.getString("groups_sha256"),
                            rs.getString("config"),
                            rs.getString("code_version"),
                            (Long) rs.getObject("stage_attempt_id"),
                            instant(rs, "created_at")));
                }
            }
        }
        return out;
    }

    private static List<EvaluationRecord> evaluations(Connection c, String sql, Object... args) throws SQLException {
        List<EvaluationRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double[] v = new double[METRIC_COLUMNS.length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = rs.getDouble(METRIC_COLUMNS[i]);
                    }
                    out.add(new EvaluationRecord(
                            rs.getLong("id"),
                            rs.getString("model_id"),
                            rs.getString("run_id"),
                            rs.getString("dataset_sha256"),
                            rs.getString("results_sha256"),
                            (Long) rs.getObject("stage_attempt_id"),
                            Metrics.of(v),
                            instant(rs, "created_at"),
                            rs.getString("split"),
                            rs.getString("iou_type")));
                }
            }
        }
        return out;
    }
}

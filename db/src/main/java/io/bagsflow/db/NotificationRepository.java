package io.bagsflow.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code notification} outbox (V11): status changes that a database trigger recorded, waiting to be delivered.
 * A deliverer claims due rows with {@code FOR UPDATE SKIP LOCKED} and a lease, so several CPU workers can deliver
 * side by side and each row is sent by one of them at a time.
 */
public final class NotificationRepository {

    /** A recorded status change and what the deliverer needs to tell about it, read in the claiming transaction. */
    public record Pending(
            long id,
            String subject,
            String subjectId,
            String status,
            Instant createdAt,
            int attempts,
            String subjectJson,
            String metricsJson) {}

    /** What became of one delivery attempt. */
    public record Outcome(String url, boolean delivered, boolean giveUp, String error, Duration retryIn) {

        public static Outcome delivered(String url) {
            return new Outcome(url, true, false, null, null);
        }

        public static Outcome noWebhook() {
            return new Outcome(null, false, false, null, null);
        }

        public static Outcome failed(String url, String error, Duration retryIn, boolean giveUp) {
            return new Outcome(url, false, giveUp, error, retryIn);
        }
    }

    /** Sends one claimed row; called outside any transaction. */
    @FunctionalInterface
    public interface Deliverer {
        Outcome deliver(Pending pending);
    }

    private final Database db;

    public NotificationRepository(Database db) {
        this.db = db;
    }

    /**
     * Claims up to {@code limit} due rows for {@code lease} (so no other deliverer takes them meanwhile), then hands
     * each to {@code deliverer} outside any transaction (a slow webhook holds no connection) and records its
     * outcome. A deliverer that dies mid-way leaves its rows to be claimed again once the lease ends: a receiver may
     * get a message twice, never zero times.
     *
     * @return how many rows were handled
     */
    public int deliverDue(int limit, Duration lease, Deliverer deliverer) {
        List<Pending> due = db.inTransaction(c -> {
            List<Pending> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT n.*, "
                    + "CASE n.subject WHEN 'run' THEN (SELECT to_jsonb(r) || jsonb_build_object('failed_attempt', "
                    + "(SELECT jsonb_build_object('stage', a.stage, 'part', a.part, 'error_class', a.error_class, "
                    + "'error_message', a.error_message) FROM stage_attempt a WHERE a.run_id = r.id "
                    + "AND a.status = 'FAILED' ORDER BY a.id DESC LIMIT 1)) FROM pipeline_run r WHERE r.id = n.subject_id)"
                    + " ELSE (SELECT to_jsonb(x) FROM experiment x WHERE x.id = n.subject_id) END AS subject_json "
                    + "FROM notification n WHERE n.done_at IS NULL AND n.next_attempt_at <= now() "
                    + "ORDER BY n.id LIMIT ? FOR UPDATE OF n SKIP LOCKED")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new Pending(
                                rs.getLong("id"),
                                rs.getString("subject"),
                                rs.getString("subject_id"),
                                rs.getString("status"),
                                Jdbc.instant(rs, "created_at"),
                                rs.getInt("attempts"),
                                rs.getString("subject_json"),
                                null));
                    }
                }
            }
            List<Pending> out = new ArrayList<>();
            for (Pending p : claimed) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE notification SET next_attempt_at = now() + ? "
                        + "* interval '1 millisecond' WHERE id = ?")) {
                    ps.setLong(1, lease.toMillis());
                    ps.setLong(2, p.id());
                    ps.executeUpdate();
                }
                out.add(new Pending(
                        p.id(),
                        p.subject(),
                        p.subjectId(),
                        p.status(),
                        p.createdAt(),
                        p.attempts(),
                        p.subjectJson(),
                        p.subject().equals("run") ? metrics(c, p.subjectId()) : "[]"));
            }
            return out;
        });
        for (Pending p : due) {
            Outcome o = deliverer.deliver(p);
            db.inTransaction(c -> {
                record(c, p, o);
                return null;
            });
        }
        return due.size();
    }

    /** Every evaluation of the run with its model's kind and generation, as a JSON array (split included once known). */
    private static String metrics(Connection c, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(jsonb_agg(jsonb_build_object("
                + "'kind', m.kind, 'generation', m.generation, 'model_id', m.id, 'evaluation', to_jsonb(e)) "
                + "ORDER BY m.generation, e.id), '[]'::jsonb) FROM evaluation e JOIN model m ON m.id = e.model_id "
                + "WHERE e.run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void record(Connection c, Pending p, Outcome o) throws SQLException {
        String sql;
        if (o.delivered() || o.url() == null || o.giveUp()) {
            // a delivery keeps the error of the attempt before it, so the row says that it had to retry and why
            sql = "UPDATE notification SET attempts = attempts + ?, done_at = now(), outcome = ?, url = ?, "
                    + "last_error = coalesce(?, last_error) WHERE id = ?";
        } else {
            sql =
                    "UPDATE notification SET attempts = attempts + ?, next_attempt_at = now() + ? * interval '1 millisecond',"
                            + " url = ?, last_error = ? WHERE id = ?";
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, o.url() == null ? 0 : 1);
            if (o.delivered() || o.url() == null || o.giveUp()) {
                ps.setString(2, o.delivered() ? "DELIVERED" : o.url() == null ? "NO_WEBHOOK" : "GAVE_UP");
            } else {
                ps.setLong(2, o.retryIn().toMillis());
            }
            ps.setString(3, o.url());
            ps.setString(4, o.error());
            ps.setLong(5, p.id());
            ps.executeUpdate();
        }
    }

    /** A notification row as stored, for tests and {@code doctor}-style checks. */
    public record Row(
            long id,
            String subject,
            String subjectId,
            String status,
            int attempts,
            String outcome,
            String url,
            String lastError) {}

    /** The rows of one subject, oldest first. */
    public List<Row> of(String subjectId) {
        return db.inTransaction(c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT * FROM notification WHERE subject_id = ? ORDER BY id")) {
                ps.setString(1, subjectId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Row(
                                rs.getLong("id"),
                                rs.getString("subject"),
                                rs.getString("subject_id"),
                                rs.getString("status"),
                                rs.getInt("attempts"),
                                rs.getString("outcome"),
                                rs.getString("url"),
                                rs.getString("last_error")));
                    }
                }
            }
            return out;
        });
    }
}

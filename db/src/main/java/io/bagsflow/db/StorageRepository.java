package io.bagsflow.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the database knows about stored objects beyond stage outputs: the checkpoints training attempts stored
 * (for resuming and for gc), the objects found corrupt, and which objects anything still references.
 */
public final class StorageRepository {

    /** Where a corrupt object was noticed. */
    public enum Detection {
        DOWNLOAD,
        PUT,
        VERIFY
    }

    /** A checkpoint a training attempt stored: its attempt, iteration and content hash. */
    public record CheckpointRecord(long attemptId, int iteration, String sha256, long sizeBytes) {}

    /** A corrupt object on record. */
    public record CorruptObject(
            long id,
            String s3Key,
            String expectedSha256,
            String actualSha256,
            Detection detectedBy,
            Instant detectedAt,
            Instant repairedAt) {}

    private final Database db;

    public StorageRepository(Database db) {
        this.db = db;
    }

    // ---- checkpoints

    /** Records a checkpoint of a running attempt; recording the same iteration again is a no-op. */
    public void recordCheckpoint(long attemptId, int iteration, String sha256, long sizeBytes) {
        db.inTransaction(c -> {
            insertCheckpoint(c, new CheckpointRecord(attemptId, iteration, sha256, sizeBytes));
            return null;
        });
    }

    /** As {@link #recordCheckpoint}, inside another transaction. */
    public static void insertCheckpoint(Connection c, CheckpointRecord k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO checkpoint (stage_attempt_id, iteration, sha256, "
                + "size_bytes) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setLong(1, k.attemptId());
            ps.setInt(2, k.iteration());
            ps.setString(3, k.sha256());
            ps.setLong(4, Math.max(0, k.sizeBytes()));
            ps.executeUpdate();
        }
    }

    /**
     * The checkpoints a training part may resume from, newest iteration first: those of every other attempt with
     * the same stage, part and stage key, in any run (the key holds the settings and input hashes, so they are
     * checkpoints of the same training), without the ones known to be corrupt. A retry with changed settings has
     * another key and starts afresh.
     */
    public List<CheckpointRecord> resumableCheckpoints(
            String stage, String part, String stageKey, long exceptAttemptId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT k.* FROM checkpoint k "
                    + "JOIN stage_attempt s ON s.id = k.stage_attempt_id "
                    + "WHERE s.stage = ? AND s.part = ? AND s.stage_key = ? AND s.id <> ? "
                    + "AND NOT EXISTS (SELECT 1 FROM corrupt_object x WHERE x.expected_sha256 = k.sha256 "
                    + "AND x.repaired_at IS NULL) "
                    + "ORDER BY k.iteration DESC, k.created_at DESC, k.stage_attempt_id DESC")) {
                ps.setString(1, stage);
                ps.setString(2, part);
                ps.setString(3, stageKey);
                ps.setLong(4, exceptAttemptId);
                return checkpoints(ps);
            }
        });
    }

    /** Every checkpoint of an attempt, newest iteration first. */
    public List<CheckpointRecord> checkpointsOf(long attemptId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT * FROM checkpoint WHERE stage_attempt_id = ? ORDER BY iteration DESC")) {
                ps.setLong(1, attemptId);
                return checkpoints(ps);
            }
        });
    }

    /**
     * Checkpoints superseded by at least {@code keep} newer ones of the same attempt, which gc may delete: not of
     * an attempt whose run is RUNNING or WAITING_FOR_RETRY (it may resume from any), and not bytes that are also a
     * registered artifact (a stage output, such as a final checkpoint identical to a periodic one).
     */
    public List<CheckpointRecord> supersededCheckpoints(int keep) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT stage_attempt_id, iteration, sha256, size_bytes "
                    + "FROM (SELECT k.*, row_number() OVER (PARTITION BY k.stage_attempt_id ORDER BY k.iteration DESC) "
                    + "AS newer FROM checkpoint k) k "
                    + "JOIN stage_attempt s ON s.id = k.stage_attempt_id JOIN pipeline_run r ON r.id = s.run_id "
                    + "WHERE k.newer > ? AND r.status NOT IN ('RUNNING', 'WAITING_FOR_RETRY') "
                    + "AND NOT EXISTS (SELECT 1 FROM artifact a WHERE a.sha256 = k.sha256) "
                    + "ORDER BY k.stage_attempt_id, k.iteration")) {
                ps.setInt(1, keep);
                return checkpoints(ps);
            }
        });
    }

    /** How many checkpoint rows (of any attempt) name these bytes. */
    public int checkpointRows(String sha256) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM checkpoint WHERE sha256 = ?")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Forgets a checkpoint whose object gc deleted. */
    public void deleteCheckpoint(long attemptId, int iteration) {
        db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM checkpoint WHERE stage_attempt_id = ? AND iteration = ?")) {
                ps.setLong(1, attemptId);
                ps.setInt(2, iteration);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---- references

    /** Every content hash something refers to: registered artifacts (outputs, models, results) and checkpoints. */
    public Set<String> referencedHashes() {
        return db.inTransaction(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT sha256 FROM artifact UNION SELECT sha256 FROM checkpoint");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** When the oldest run that is RUNNING or WAITING_FOR_RETRY started, if any. */
    public Optional<Instant> oldestActiveRunStart() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT min(created_at) FROM pipeline_run "
                            + "WHERE status IN ('RUNNING', 'WAITING_FOR_RETRY')");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(Jdbc.instant(rs, "min"));
            }
        });
    }

    // ---- corruption

    /** Records that the object under {@code s3Key} does not hold the bytes of {@code expectedSha256}. */
    public void markCorrupt(String s3Key, String expectedSha256, String actualSha256, Detection detectedBy) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO corrupt_object (s3_key, expected_sha256, "
                    + "actual_sha256, detected_by) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, s3Key);
                ps.setString(2, expectedSha256);
                ps.setString(3, actualSha256);
                ps.setString(4, detectedBy.name());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Closes the open corruption records of these bytes: the object was stored again, intact. */
    public void markRepaired(String sha256) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE corrupt_object SET repaired_at = now() "
                    + "WHERE expected_sha256 = ? AND repaired_at IS NULL")) {
                ps.setString(1, sha256);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Whether an open corruption record names these bytes. */
    public boolean isCorrupt(String sha256) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM corrupt_object WHERE expected_sha256 = ? AND repaired_at IS NULL")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Every corruption record, newest first. */
    public List<CorruptObject> corruptObjects() {
        return db.inTransaction(c -> {
            List<CorruptObject> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM corrupt_object ORDER BY id DESC");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CorruptObject(
                            rs.getLong("id"),
                            rs.getString("s3_key"),
                            rs.getString("expected_sha256"),
                            rs.getString("actual_sha256"),
                            Detection.valueOf(rs.getString("detected_by")),
                            Jdbc.instant(rs, "detected_at"),
                            Jdbc.instant(rs, "repaired_at")));
                }
            }
            return out;
        });
    }

    private static List<CheckpointRecord> checkpoints(PreparedStatement ps) throws SQLException {
        List<CheckpointRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new CheckpointRecord(
                        rs.getLong("stage_attempt_id"),
                        rs.getInt("iteration"),
                        rs.getString("sha256"),
                        rs.getLong("size_bytes")));
            }
        }
        return out;
    }
}

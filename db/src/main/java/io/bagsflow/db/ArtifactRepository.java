package io.bagsflow.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code artifact} table: content-addressed blobs of the artifact store, registered once per sha256. */
public final class ArtifactRepository {

    private final Database db;

    public ArtifactRepository(Database db) {
        this.db = db;
    }

    /** Registers an artifact; registering the same sha256 again is a no-op. */
    public void put(ArtifactRecord artifact) {
        db.inTransaction(c -> {
            insert(c, artifact);
            return null;
        });
    }

    public Optional<ArtifactRecord> find(String sha256) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM artifact WHERE sha256 = ?")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(artifact(rs)) : Optional.empty();
                }
            }
        });
    }

    /** As {@link #put}, inside another transaction. */
    static void insert(Connection c, ArtifactRecord a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO artifact (sha256, size_bytes, media_type, s3_key, "
                + "produced_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
            ps.setString(1, a.sha256());
            ps.setLong(2, a.sizeBytes());
            ps.setString(3, a.mediaType());
            ps.setString(4, a.s3Key());
            Jdbc.setLong(ps, 5, a.producedBy());
            ps.executeUpdate();
        }
    }

    /** Every artifact an attempt of this run output, oldest first, each once. */
    static List<ArtifactRecord> outputsOfRun(Connection c, String runId) throws SQLException {
        List<ArtifactRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT a.* FROM artifact a "
                + "JOIN stage_output o ON o.artifact_sha256 = a.sha256 "
                + "JOIN stage_attempt s ON s.id = o.stage_attempt_id WHERE s.run_id = ? "
                + "ORDER BY a.created_at, a.sha256")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(artifact(rs));
                }
            }
        }
        return out;
    }

    private static ArtifactRecord artifact(ResultSet rs) throws SQLException {
        return new ArtifactRecord(
                rs.getString("sha256"),
                rs.getLong("size_bytes"),
                rs.getString("media_type"),
                rs.getString("s3_key"),
                (Long) rs.getObject("produced_by"),
                Jdbc.instant(rs, "created_at"));
    }
}

package io.bagsflow.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Claims on stage keys in PostgreSQL: at most one holder per key. A claim is taken by one statement, so two
 * workers racing for a key cannot both win; a holder keeps it alive by heartbeats and gives it up when its attempt
 * ends, and a claim whose heartbeat is older than the stale limit goes to whoever asks next.
 */
public final class StageClaimRepository {

    private final Database db;
    private final Stamps stamps;

    /** Claims stamped and judged stale by the database's clock (production: one clock for every worker). */
    public StageClaimRepository(Database db) {
        this(db, Stamps.database());
    }

    /** Claims stamped and judged stale by {@code clock}: a test moves it on instead of sleeping. */
    public StageClaimRepository(Database db, Clock clock) {
        this(db, Stamps.of(clock));
    }

    private StageClaimRepository(Database db, Stamps stamps) {
        this.db = db;
        this.stamps = stamps;
    }

    /** A claim as stored. */
    public record Claim(String stageKey, String holder, Long attemptId) {}

    /**
     * Takes the claim on {@code key} for {@code holder} if nobody holds it, if {@code holder} holds it already (a
     * retried activity), or if the holder's last heartbeat is older than {@code staleAfter}. Returns whether
     * {@code holder} holds it now.
     */
    public boolean tryClaim(String key, String holder, Duration staleAfter) {
        return db.inTransaction(c -> {
            // EXCLUDED.heartbeat_at is the time now, read once for the claim and for the staleness test
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO stage_claim (stage_key, holder, claimed_at, heartbeat_at) SELECT ?, ?, t, t FROM "
                            + "(SELECT " + Stamps.NOW + " AS t) now "
                            + "ON CONFLICT (stage_key) DO UPDATE SET holder = EXCLUDED.holder, attempt_id = NULL, "
                            + "claimed_at = EXCLUDED.claimed_at, heartbeat_at = EXCLUDED.heartbeat_at "
                            + "WHERE stage_claim.holder = EXCLUDED.holder "
                            + "OR stage_claim.heartbeat_at < EXCLUDED.heartbeat_at - make_interval(secs => ?) "
                            + "RETURNING holder")) {
                ps.setString(1, key);
                ps.setString(2, holder);
                ps.setObject(3, stamps.now());
                ps.setDouble(4, staleAfter.toMillis() / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Notes which attempt does the work of a held claim (for `runs show` and for debugging). */
    public void attach(String key, String holder, long attemptId) {
        update("UPDATE stage_claim SET attempt_id = ? WHERE stage_key = ? AND holder = ?", ps -> {
            ps.setLong(1, attemptId);
            ps.setString(2, key);
            ps.setString(3, holder);
        });
    }

    /**
     * Refreshes the heartbeat of the claims this holder still has, each as it left it: with the attempt it attached
     * (or none). A holder name is a run's stage part, the same on every worker, so a worker cut off by the network
     * and healed after another took the part over must not keep the other's claim alive as its own.
     */
    public void heartbeat(Collection<Claim> held) {
        if (held.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE stage_claim SET heartbeat_at = " + Stamps.NOW
                    + " WHERE stage_key = ? AND holder = ? AND attempt_id IS NOT DISTINCT FROM ?")) {
                for (Claim claim : held) {
                    ps.setObject(1, stamps.now());
                    ps.setString(2, claim.stageKey());
                    ps.setString(3, claim.holder());
                    ps.setObject(4, claim.attemptId(), Types.BIGINT);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Gives the claim up, if {@code holder} still has it (a taken-over claim is not someone else's to remove). */
    public void release(String key, String holder) {
        update("DELETE FROM stage_claim WHERE stage_key = ? AND holder = ?", ps -> {
            ps.setString(1, key);
            ps.setString(2, holder);
        });
    }

    /**
     * Gives the claim up if it is still as its holder left it: same holder and the same attached attempt (or none).
     * The holder name alone is not enough: it is a run's stage part, the same on every worker, and a worker healed
     * from a network cut releases late, after another worker took the part over and attached its own attempt.
     */
    public void release(Claim claim) {
        update(
                "DELETE FROM stage_claim WHERE stage_key = ? AND holder = ? AND attempt_id IS NOT DISTINCT FROM ?",
                ps -> {
                    ps.setString(1, claim.stageKey());
                    ps.setString(2, claim.holder());
                    ps.setObject(3, claim.attemptId(), Types.BIGINT);
                });
    }

    public Optional<Claim> find(String key) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT stage_key, holder, attempt_id FROM stage_claim WHERE stage_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long attempt = rs.getLong(3);
                    return Optional.of(new Claim(rs.getString(1), rs.getString(2), rs.wasNull() ? null : attempt));
                }
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, Binder binder) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                ps.executeUpdate();
            }
            return null;
        });
    }
}

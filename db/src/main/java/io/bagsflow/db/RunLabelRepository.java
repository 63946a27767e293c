package io.bagsflow.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names, notes and tags of runs ({@code pipeline_run.name/note}, {@code run_tag}), an aborted run's reason
 * ({@code pipeline_run.abort_reason}) and experiment names. Kept apart from {@link RunRepository}: these are the
 * user's words about a run, written by commands at any time, never by the workflow.
 */
public final class RunLabelRepository {

    /** Longest name, tag key or value: long enough for a sentence, short enough for a table column. */
    public static final int MAX_LABEL = 200;

    private final Database db;

    public RunLabelRepository(Database db) {
        this.db = db;
    }

    /**
     * Sets a run's name (null keeps it), note (null keeps it) and tags (added or replaced) in one transaction;
     * throws if the run does not exist.
     */
    public void label(String runId, String name, String note, Map<String, String> tags) {
        check(new RunLabels(name, note, tags, null));
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE pipeline_run SET name = COALESCE(?, name), "
                    + "note = COALESCE(?, note), updated_at = now() WHERE id = ?")) {
                Jdbc.bind(ps, name, note, runId);
                if (ps.executeUpdate() != 1) {
                    throw new DatabaseException("no run " + runId);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO run_tag (run_id, key, value) VALUES (?, ?, ?) "
                    + "ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value")) {
                for (var t : new TreeMap<>(tags).entrySet()) {
                    Jdbc.bind(ps, runId, t.getKey(), t.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Removes tags from a run; returns the keys it had (the others were not there). */
    public List<String> untag(String runId, Collection<String> keys) {
        return db.inTransaction(c -> {
            List<String> removed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM run_tag WHERE run_id = ? AND key = ?")) {
                for (String k : keys) {
                    Jdbc.bind(ps, runId, k);
                    if (ps.executeUpdate() == 1) {
                        removed.add(k);
                    }
                }
            }
            return removed;
        });
    }

    /**
     * Remembers why a user aborted a run. Written before the workflow is asked to stop, so the reason is there
     * however the run then ends; a second abort does not overwrite the first reason.
     */
    public void setAbortReason(String runId, String reason) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE pipeline_run SET abort_reason = COALESCE(abort_reason, ?) WHERE id = ?")) {
                Jdbc.bind(ps, reason, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A run's labels; {@link RunLabels#NONE} for an unknown run. */
    public RunLabels labels(String runId) {
        return labelsOf(List.of(runId)).getOrDefault(runId, RunLabels.NONE);
    }

    /** The labels of these runs (two queries, whatever their number); unknown ids are left out. */
    public Map<String, RunLabels> labelsOf(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        String[] ids = runIds.toArray(String[]::new);
        return db.inTransaction(c -> {
            Map<String, Map<String, String>> tags = new HashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT run_id, key, value FROM run_tag WHERE run_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", ids));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tags.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                                .put(rs.getString(2), rs.getString(3));
                    }
                }
            }
            Map<String, RunLabels> out = new HashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id, name, note, abort_reason FROM pipeline_run WHERE id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", ids));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        out.put(
                                id,
                                new RunLabels(
                                        rs.getString(2),
                                        rs.getString(3),
                                        tags.getOrDefault(id, Map.of()),
                                        rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    /** Sets an experiment's name (shown by {@code experiment list}). */
    public void nameExperiment(String experimentId, String name) {
        checkLabel("name", name);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE experiment SET name = ? WHERE id = ?")) {
                Jdbc.bind(ps, name, experimentId);
                if (ps.executeUpdate() != 1) {
                    throw new DatabaseException("no experiment " + experimentId);
                }
            }
            return null;
        });
    }

    /** The names of these experiments; unnamed and unknown ones are left out. */
    public Map<String, String> experimentNames(Collection<String> experimentIds) {
        if (experimentIds.isEmpty()) {
            return Map.of();
        }
        return db.inTransaction(c -> experimentNames(c, experimentIds.toArray(String[]::new)));
    }

    private static Map<String, String> experimentNames(Connection c, String[] ids) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT id, name FROM experiment WHERE id = ANY (?) AND name IS NOT NULL")) {
            ps.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** Throws IllegalArgumentException naming the name or tag that is too long, not one line, or has no key. */
    public static void check(RunLabels labels) {
        checkLabel("name", labels.name());
        labels.tags().forEach((k, v) -> {
            checkLabel("tag key", k);
            checkLabel("tag value", v);
            if (k.isEmpty()) {
                throw new IllegalArgumentException("a tag needs a key: key=value");
            }
        });
    }

    private static void checkLabel(String what, String value) {
        if (value != null && value.length() > MAX_LABEL) {
            throw new IllegalArgumentException(
                    what + " is " + value.length() + " characters long; at most " + MAX_LABEL + " are kept");
        }
        if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException(what + " must be one line: \"" + value.strip() + "\"");
        }
    }
}

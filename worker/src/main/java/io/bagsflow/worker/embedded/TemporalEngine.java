package io.bagsflow.worker.embedded;

/**
 * Which Temporal server a set of services runs on, and whether runs in flight survive a restart of that server.
 * Shown by {@code up} and {@code doctor} and written to the state file, so a user knows what a crash would cost.
 */
public enum TemporalEngine {
    /** The Temporal CLI's development server: the real server, its history in a SQLite file under the home. */
    DEV_SERVER("Temporal CLI dev server (SQLite)", true),
    /** Temporal's Java test server: workflows live in memory; {@code up} restarts lost runs from PostgreSQL. */
    IN_MEMORY("in-memory Java test server", false),
    /** A server configured with BAGSFLOW_TEMPORAL_ADDRESS: a cluster that bagsflow does not manage. */
    EXTERNAL("external Temporal server", true);

    private final String description;
    private final boolean durable;

    TemporalEngine(String description, boolean durable) {
        this.description = description;
        this.durable = durable;
    }

    public String description() {
        return description;
    }

    /** Whether workflows in flight survive a restart of the server (and of {@code up}). */
    public boolean durable() {
        return durable;
    }

    /** The state file's spelling, tolerant of unknown values written by other versions. */
    public static TemporalEngine parse(String name) {
        for (TemporalEngine e : values()) {
            if (e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return EXTERNAL;
    }
}

package io.bagsflow.db;

/**
 * The status of a stage attempt ({@code stage_attempt.status}; the schema's CHECK constraint lists the same names).
 */
public enum AttemptStatus {
    /** a worker is computing it (or was, if the worker was lost: the next attempt of the part closes it) */
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** took the outputs of an earlier attempt with the same stage key instead of computing them */
    REUSED;

    /** Whether the attempt has its outputs (computed or reused). */
    public boolean completed() {
        return this == SUCCEEDED || this == REUSED;
    }
}

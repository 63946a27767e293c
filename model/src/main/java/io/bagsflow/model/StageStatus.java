package io.bagsflow.model;

/** Where a stage of a run stands, as the workflow's status query and the run history report it. */
public enum StageStatus {
    /** not started yet */
    PENDING,
    RUNNING,
    SUCCEEDED,
    /** every part took the outputs of an earlier attempt with the same stage key */
    REUSED,
    /** failed for good; the run waits for a retry or an abort */
    FAILED;

    /** Whether the stage's outputs are there (computed or reused). */
    public boolean done() {
        return this == SUCCEEDED || this == REUSED;
    }
}

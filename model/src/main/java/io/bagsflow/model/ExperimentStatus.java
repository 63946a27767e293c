package io.bagsflow.model;

/** The status of an experiment, as stored in PostgreSQL. */
public enum ExperimentStatus {
    RUNNING,
    /** every cell's run succeeded */
    SUCCEEDED,
    /** every cell ended, at least one not successfully */
    FAILED,
    /** aborted by the user: running cells were aborted, the others never started */
    ABORTED
}

package io.bagsflow.model;

/** Where a cell of an experiment stands: before its run, or its run's status. */
public enum CellStatus {
    /** not started yet (also what a cell shows while its run does not exist in the database) */
    PENDING,
    /** the experiment was aborted before the cell's run started */
    NOT_STARTED,
    RUNNING,
    WAITING_FOR_RETRY,
    SUCCEEDED,
    FAILED,
    ABORTED;

    /** The cell's status for its run's status. */
    public static CellStatus of(RunStatus run) {
        return valueOf(run.name());
    }
}

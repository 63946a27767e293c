package io.bagsflow.model;

/** The status of a pipeline run, as stored in PostgreSQL and returned by the status query. */
public enum RunStatus {
    RUNNING,
    /** a stage failed for good; the run waits for {@code retryStage} or {@code abort} */
    WAITING_FOR_RETRY,
    SUCCEEDED,
    FAILED,
    ABORTED;

    /** Whether the run is over (it has an end time; nothing of it runs any more). */
    public boolean ended() {
        return this == SUCCEEDED || this == FAILED || this == ABORTED;
    }
}

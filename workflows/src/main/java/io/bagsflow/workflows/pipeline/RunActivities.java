package io.bagsflow.workflows.pipeline;

import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.activity.ActivityInterface;

/** Run bookkeeping in PostgreSQL, on the CPU queue. */
@ActivityInterface
public interface RunActivities {

    void markRunStatus(String runId, RunStatus status);

    /**
     * Ends a run that is still open as {@code status} (FAILED or ABORTED) with why, and closes any of its attempts
     * still marked RUNNING: after this nothing in the run's record claims to be running.
     */
    void endRun(String runId, RunStatus status, String error);

    /**
     * For {@code --resume-from}: records that {@code stage} of {@code runId} takes the outputs (and models, and
     * evaluations) of the same stage of {@code fromRunId}, and returns them.
     */
    StageResult takeStage(String runId, Stage stage, String fromRunId);
}

package io.bagsflow.workflows.experiment;

import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.spec.PipelineSpec;
import io.temporal.activity.ActivityInterface;

/** Experiment bookkeeping in PostgreSQL, on the CPU queue. Both are idempotent: a retried activity changes nothing. */
@ActivityInterface
public interface ExperimentActivities {

    /** Records the run of a cell (status RUNNING) before its workflow starts, unless it is recorded already. */
    void openCellRun(String experimentId, int cellIndex, String runId, PipelineSpec spec);

    void markExperimentStatus(String experimentId, ExperimentStatus status);
}

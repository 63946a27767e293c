package io.bagsflow.workflows.experiment;

import io.bagsflow.model.experiment.ExperimentProgress;
import io.bagsflow.model.experiment.ExperimentRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An experiment: one {@code PipelineWorkflow} per cell as a child workflow, at most {@code parallelism} at a time.
 * A cell whose run waits for a retry keeps the experiment waiting too ({@code stage retry RUN} continues it).
 */
@WorkflowInterface
public interface ExperimentWorkflow {

    @WorkflowMethod
    ExperimentProgress run(ExperimentRequest request);

    /** Aborts the running cells' runs, starts no more, and ends the experiment as ABORTED. */
    @SignalMethod
    void abort(String reason);

    @QueryMethod
    ExperimentProgress progress();
}

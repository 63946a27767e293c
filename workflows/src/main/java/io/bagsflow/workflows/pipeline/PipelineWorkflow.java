package io.bagsflow.workflows.pipeline;

import io.bagsflow.model.pipeline.PipelineRequest;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.pipeline.PipelineStatus;
import io.bagsflow.model.pipeline.RetryRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The BAGS pipeline: PREPARE, TRAIN_BASE, FINETUNE_BAGS (BAGS plus the baselines the spec asks for), EVALUATE
 * (every generation). A stage that fails for good does not end the run: it waits in WAITING_FOR_RETRY for
 * {@link #retryStage} or {@link #abort}.
 */
@WorkflowInterface
public interface PipelineWorkflow {

    @WorkflowMethod
    PipelineResult run(PipelineRequest request);

    /** Retries the failed stage, optionally with spec overrides. Ignored unless the run waits for a retry. */
    @SignalMethod
    void retryStage(RetryRequest request);

    /** Ends the run as ABORTED, cancelling the stage in progress. */
    @SignalMethod
    void abort(String reason);

    @QueryMethod
    PipelineStatus status();
}

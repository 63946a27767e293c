package io.bagsflow.workflows.experiment;

import io.bagsflow.model.RunStatus;
import io.bagsflow.model.pipeline.PipelineRequest;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.pipeline.PipelineStatus;
import io.bagsflow.model.pipeline.RetryRequest;
import io.bagsflow.workflows.pipeline.PipelineWorkflow;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * A pipeline run that does nothing until the test ends it: the {@code retryStage} signal with {@code end=STATUS}
 * ends it with that status, {@code abort} as ABORTED. So the experiment's scheduling is tested on its own.
 */
public class StandInPipeline implements PipelineWorkflow {

    private String runId;
    private RunStatus end;

    @Override
    public PipelineResult run(PipelineRequest request) {
        runId = request.runId();
        Workflow.await(() -> end != null);
        return new PipelineResult(runId, end, List.of(), 0);
    }

    @Override
    public void retryStage(RetryRequest request) {
        end = RunStatus.valueOf(request.overrides().get("end"));
    }

    @Override
    public void abort(String reason) {
        end = RunStatus.ABORTED;
    }

    @Override
    public PipelineStatus status() {
        return new PipelineStatus(runId, end == null ? RunStatus.RUNNING : end, List.of());
    }
}

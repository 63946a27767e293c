package io.bagsflow.model.pipeline;

import io.bagsflow.model.RunStatus;
import java.util.List;

/**
 * How a run ended, its models, and timing: {@code activitySeconds} is the sum of the stage activities' own work,
 * {@code waitingSeconds} the time the run waited for a person to retry or abort it, so wall time minus both is the
 * orchestration overhead. (A result written before {@code waitingSeconds} existed reads as 0.)
 */
public record PipelineResult(
        String runId, RunStatus status, List<ModelRef> models, double activitySeconds, double waitingSeconds) {

    public PipelineResult(String runId, RunStatus status, List<ModelRef> models, double activitySeconds) {
        this(runId, status, models, activitySeconds, 0);
    }
}

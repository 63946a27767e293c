package io.bagsflow.workflows.pipeline;

import java.util.List;

/**
 * How a run ended, its models, and timing: {@code activitySeconds} is the sum of the stage activities' own work,
 * so wall time minus it is the orchestration overhead.
 */
public record PipelineResult(String runId, RunStatus status, List<ModelRef> models, double activitySeconds) {}

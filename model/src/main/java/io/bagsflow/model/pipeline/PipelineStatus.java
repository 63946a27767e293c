package io.bagsflow.model.pipeline;

import io.bagsflow.model.RunStatus;
import java.util.List;

/** The answer of the {@code status} query: the run's status and every stage's state. */
public record PipelineStatus(String runId, RunStatus status, List<StageState> stages) {}

package io.bagsflow.db;

import io.bagsflow.model.RunStatus;
import java.time.Instant;

/**
 * A row of {@code pipeline_run}. {@code error} says why a run ended FAILED or ABORTED (null otherwise).
 */
public record PipelineRun(
        String id,
        String workflowId,
        String specJson,
        RunStatus status,
        String codeVersion,
        String dataset,
        String resumedFrom,
        Instant createdAt,
        Instant updatedAt,
        Instant endedAt,
        String error) {}

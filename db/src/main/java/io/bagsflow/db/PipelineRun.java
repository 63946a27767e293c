package io.bagsflow.db;

import java.time.Instant;

/**
 * A row of {@code pipeline_run}. {@code status} is RUNNING, WAITING_FOR_RETRY, SUCCEEDED, FAILED or ABORTED;
 * {@code error} says why a run ended FAILED or ABORTED (null otherwise).
 */
public record PipelineRun(
        String id,
        String workflowId,
        String specJson,
        String status,
        String codeVersion,
        String dataset,
        String resumedFrom,
        Instant createdAt,
        Instant updatedAt,
        Instant endedAt,
        String error) {
}

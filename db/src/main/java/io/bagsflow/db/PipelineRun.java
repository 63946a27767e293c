package io.bagsflow.db;

import java.time.Instant;

/** A row of {@code pipeline_run}. {@code status} is RUNNING, WAITING_FOR_RETRY, SUCCEEDED, FAILED or ABORTED. */
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
        Instant endedAt) {
}

package io.bagsflow.db;

import java.time.Instant;

/** A row of {@code evaluation}: one model evaluated on one dataset (by the content hash of its manifest). */
public record EvaluationRecord(
        long id,
        String modelId,
        String runId,
        String datasetSha256,
        String resultsSha256,
        Long stageAttemptId,
        Metrics metrics,
        Instant createdAt) {}

package io.bagsflow.db;

import java.time.Instant;

/**
 * A row of {@code evaluation}: one model evaluated on one dataset (by the content hash of its annotation file) and
 * split: {@link #VAL} (where choices from data are made) or {@link #TEST} (what reports use).
 */
public record EvaluationRecord(
        long id,
        String modelId,
        String runId,
        String datasetSha256,
        String resultsSha256,
        Long stageAttemptId,
        Metrics metrics,
        Instant createdAt,
        String split) {

    public static final String VAL = "val";
    public static final String TEST = "test";

    public EvaluationRecord {
        if (!VAL.equals(split) && !TEST.equals(split)) {
            throw new IllegalArgumentException(
                    "evaluation of " + modelId + ": split must be " + VAL + " or " + TEST + ", got " + split);
        }
    }

    /** An evaluation on val, as every evaluation was before test splits existed. */
    public EvaluationRecord(
            long id,
            String modelId,
            String runId,
            String datasetSha256,
            String resultsSha256,
            Long stageAttemptId,
            Metrics metrics,
            Instant createdAt) {
        this(id, modelId, runId, datasetSha256, resultsSha256, stageAttemptId, metrics, createdAt, VAL);
    }

    /** The same evaluation recorded for another model or run (a stage taken from an earlier run). */
    public EvaluationRecord withOwner(String modelId, String runId, Long stageAttemptId) {
        return new EvaluationRecord(
                0, modelId, runId, datasetSha256, resultsSha256, stageAttemptId, metrics, null, split);
    }
}

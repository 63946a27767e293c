package io.bagsflow.db;

import java.time.Instant;

/**
 * A row of {@code evaluation}: one model evaluated on one dataset (by the content hash of its manifest), its
 * detections matched by box or by mask IoU ({@code iouType}: {@link #BBOX} or {@link #SEGM}, lvis-api's names).
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
        String iouType) {

    public static final String BBOX = "bbox";
    public static final String SEGM = "segm";

    public EvaluationRecord {
        if (!BBOX.equals(iouType) && !SEGM.equals(iouType)) {
            throw new IllegalArgumentException(
                    "evaluation of model " + modelId + ": iou type must be bbox or segm, " + "not " + iouType);
        }
    }

    /** A box evaluation (what every evaluation was before masks). */
    public EvaluationRecord(
            long id,
            String modelId,
            String runId,
            String datasetSha256,
            String resultsSha256,
            Long stageAttemptId,
            Metrics metrics,
            Instant createdAt) {
        this(id, modelId, runId, datasetSha256, resultsSha256, stageAttemptId, metrics, createdAt, BBOX);
    }

    public boolean isMask() {
        return SEGM.equals(iouType);
    }
}

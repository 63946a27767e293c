package io.bagsflow.db;

import java.time.Instant;

/**
 * A row of {@code evaluation}: one model evaluated on one dataset (by the content hash of its annotation file) and
 * split: {@link #VAL} (where choices from data are made) or {@link #TEST} (what reports use), its detections
 * matched by box or by mask IoU ({@code iouType}: {@link #BBOX} or {@link #SEGM}, lvis-api's names).
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
        String split,
        String iouType) {

    public static final String VAL = "val";
    public static final String TEST = "test";
    // lvis-api's iou_type names, spelled as ml's IouType.code() spells them (db cannot see ml)
    public static final String BBOX = "bbox";
    public static final String SEGM = "segm";

    public EvaluationRecord {
        if (!VAL.equals(split) && !TEST.equals(split)) {
            throw new IllegalArgumentException(
                    "evaluation of " + modelId + ": split must be " + VAL + " or " + TEST + ", got " + split);
        }
        if (!BBOX.equals(iouType) && !SEGM.equals(iouType)) {
            throw new IllegalArgumentException(
                    "evaluation of " + modelId + ": iou type must be " + BBOX + " or " + SEGM + ", got " + iouType);
        }
    }

    /** The same evaluation recorded for another model or run (a stage taken from an earlier run). */
    public EvaluationRecord withOwner(String modelId, String runId, Long stageAttemptId) {
        return new EvaluationRecord(
                0, modelId, runId, datasetSha256, resultsSha256, stageAttemptId, metrics, null, split, iouType);
    }

    /** Scored by mask IoU (segm), so its AP is mask AP. */
    public boolean isMask() {
        return SEGM.equals(iouType);
    }
}

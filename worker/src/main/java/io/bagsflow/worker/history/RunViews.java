package io.bagsflow.worker.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.ml.eval.BinAp;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.StageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code runs list} and {@code runs show} print, as records. Written as JSON with snake_case keys
 * ({@code runId} becomes {@code run_id}); the shapes are documented in the README.
 */
public final class RunViews {

    private RunViews() {}

    /**
     * A line of the runs list. {@code stage} and {@code progress} describe the stage in progress of a run that is
     * still open (null otherwise), e.g. {@code TRAIN_BASE} and {@code {"step": 120, "total": 800, ...}};
     * {@code metricsModel} names the model kind whose newest evaluation {@code metrics} holds (null when the run
     * has no such model or none was asked for); {@code maskMetrics} that model's newest mask (segm) evaluation, null
     * when it has none.
     */
    public record RunSummary(
            String runId,
            RunStatus status,
            Instant createdAt,
            Instant endedAt,
            String dataset,
            String resumedFrom,
            String name,
            Map<String, String> tags,
            String note,
            String abortReason,
            String stage,
            JsonNode progress,
            String metricsModel,
            Map<String, Double> metrics,
            // only for a run whose model has a mask head, so box-only rows keep the shape they had
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> maskMetrics) {}

    public record AttemptView(
            String part,
            int attempt,
            AttemptStatus status,
            String worker,
            Instant startedAt,
            Instant endedAt,
            Double durationSeconds,
            String error,
            Integer resumedFromIteration,
            Long reusedAttemptId,
            String stageKey,
            JsonNode progress,
            Map<String, String> outputs) {}

    public record StageView(String stage, StageStatus status, List<AttemptView> attempts) {}

    public record ModelView(
            String modelId,
            int generation,
            String kind,
            String parentModelId,
            String checkpointSha256,
            String codeVersion,
            Instant createdAt) {}

    /**
     * One evaluation: {@code split} is {@code val} (choices from data are made there) or {@code test} (what reports
     * and comparisons use); {@code binAp} is AP per BAGS bin of the run's groups, beside APr/APc/APf;
     * {@code iouType} says whether its metrics are box ({@code bbox}) or mask ({@code segm}) AP.
     */
    public record EvaluationView(
            long evaluationId,
            String modelId,
            String split,
            String datasetSha256,
            Map<String, Double> metrics,
            List<BinAp> binAp,
            Instant createdAt,
            String iouType) {}

    public record ArtifactView(String sha256, long sizeBytes, String mediaType, String s3Key) {}

    /**
     * A model with its lineage: the dataset, the manifest and groups it was trained on, its ancestors from
     * generation 0 to itself, and its evaluations ({@code GET /api/models/MODEL}).
     */
    public record ModelPage(
            String modelId,
            String runId,
            int generation,
            String kind,
            String parentModelId,
            String dataset,
            String manifestSha256,
            String groupsSha256,
            String checkpointSha256,
            JsonNode config,
            String codeVersion,
            Instant createdAt,
            List<ModelView> ancestry,
            List<EvaluationView> evaluations) {}

    public record RunView(
            String runId,
            RunStatus status,
            String dataset,
            String codeVersion,
            Instant createdAt,
            Instant endedAt,
            String resumedFrom,
            String name,
            Map<String, String> tags,
            String note,
            String abortReason,
            String error,
            JsonNode spec,
            List<StageView> stages,
            List<ModelView> models,
            List<EvaluationView> evaluations,
            List<ArtifactView> artifacts) {}

    /**
     * The loss curve of one training attempt as far as it got ({@code GET /api/runs/RUN/curves}): from the
     * attempt's stored progress, so it grows while the stage runs. {@code points} are
     * {@code {"iteration", "loss", "images_per_second"}} in iteration order (thinned evenly to at most 200); a
     * reused attempt shows the curve of the attempt it reused ({@code fromAttemptId}).
     */
    public record CurveView(
            String stage,
            String part,
            int attempt,
            AttemptStatus status,
            Long fromAttemptId,
            Integer step,
            Integer total,
            JsonNode points) {}

    /** A run's training curves so far, TRAIN_BASE first, then each fine-tune part, each attempt in order. */
    public record RunCurves(String runId, RunStatus status, List<CurveView> curves) {}
}

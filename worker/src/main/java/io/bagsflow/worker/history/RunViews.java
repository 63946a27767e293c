package io.bagsflow.worker.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.workflows.pipeline.RunStatus;
import io.bagsflow.workflows.pipeline.StageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code runs list} and {@code runs show} print, as records. Written as JSON with snake_case keys
 * ({@code runId} becomes {@code run_id}); the shapes are documented in the README.
 */
public final class RunViews {

    private RunViews() {}

    public record RunSummary(
            String runId, RunStatus status, Instant createdAt, Instant endedAt, String dataset, String resumedFrom) {}

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

    /** One evaluation; {@code iouType} says whether its metrics are box ({@code bbox}) or mask ({@code segm}) AP. */
    public record EvaluationView(
            long evaluationId,
            String modelId,
            String datasetSha256,
            Map<String, Double> metrics,
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
            JsonNode spec,
            List<StageView> stages,
            List<ModelView> models,
            List<EvaluationView> evaluations,
            List<ArtifactView> artifacts) {}
}

package io.bagsflow.worker.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.PipelineRun;
import io.bagsflow.db.RunDetails;
import io.bagsflow.db.RunFilter;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.worker.history.RunViews.ArtifactView;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.ModelPage;
import io.bagsflow.worker.history.RunViews.ModelView;
import io.bagsflow.worker.history.RunViews.RunSummary;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import io.bagsflow.workflows.pipeline.ArtifactNames;
import io.bagsflow.workflows.pipeline.RunStatus;
import io.bagsflow.workflows.pipeline.Stage;
import io.bagsflow.workflows.pipeline.StageStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Run history as users see it, read from PostgreSQL only (never from Temporal's visibility API). */
public final class RunHistory {

    /** snake_case keys, ISO-8601 times. */
    public static final ObjectMapper JSON = JsonMappers.indenting(JsonMappers.strict())
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final RunRepository runs;
    private final LineageRepository lineage;

    public RunHistory(RunRepository runs, LineageRepository lineage) {
        this.runs = runs;
        this.lineage = lineage;
    }

    public List<RunSummary> list(RunFilter filter) {
        return runs.listRuns(filter).stream()
                .map(r -> new RunSummary(r.id(), r.status(), r.createdAt(), r.endedAt(), r.dataset(), r.resumedFrom()))
                .toList();
    }

    public Optional<RunView> show(String runId) {
        Optional<RunDetails> found = runs.runDetails(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RunDetails d = found.get();
        PipelineRun run = d.run();
        List<StageView> stages = new ArrayList<>();
        boolean laterStarted = false;
        Stage[] order = Stage.values();
        for (int i = order.length - 1; i >= 0; i--) {
            String stage = order[i].name();
            List<StageAttempt> attempts =
                    d.attempts().stream().filter(a -> a.stage().equals(stage)).toList();
            stages.add(
                    0,
                    new StageView(
                            stage,
                            stageStatus(attempts, run.status(), laterStarted),
                            attempts.stream().map(RunHistory::attempt).toList()));
            laterStarted |= !attempts.isEmpty();
        }
        List<ModelView> models =
                lineage.modelsOfRun(runId).stream().map(RunHistory::model).toList();
        List<EvaluationView> evaluations = lineage.evaluationsOfRun(runId).stream()
                .map(RunHistory::evaluation)
                .toList();
        List<ArtifactView> artifacts = d.artifacts().stream()
                .map(a -> new ArtifactView(a.sha256(), a.sizeBytes(), a.mediaType(), a.s3Key()))
                .toList();
        return Optional.of(new RunView(
                run.id(),
                run.status(),
                run.dataset(),
                run.codeVersion(),
                run.createdAt(),
                run.endedAt(),
                run.resumedFrom(),
                tree(run.specJson()),
                stages,
                models,
                evaluations,
                artifacts));
    }

    /** A model, its ancestors (generation 0 first) and its evaluations; empty for an unknown id. */
    public Optional<ModelPage> model(String modelId) {
        Optional<ModelRecord> found = lineage.findModel(modelId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ModelRecord m = found.get();
        String dataset = runs.findRun(m.runId()).map(PipelineRun::dataset).orElse(null);
        List<ModelView> ancestry = new ArrayList<>(
                lineage.ancestry(modelId).stream().map(RunHistory::model).toList());
        Collections.reverse(ancestry);
        return Optional.of(new ModelPage(
                m.id(),
                m.runId(),
                m.generation(),
                m.kind(),
                m.parentModelId(),
                dataset,
                m.manifestSha256(),
                m.groupsSha256(),
                m.checkpointSha256(),
                tree(m.configJson()),
                m.codeVersion(),
                m.createdAt(),
                ancestry,
                lineage.evaluationsOfModel(modelId).stream()
                        .map(RunHistory::evaluation)
                        .toList()));
    }

    /** The HTML report the run's EVALUATE stage stored (its {@code report} output), if it got that far. */
    public Optional<String> reportSha256(String runId) {
        return runs.runDetails(runId)
                .flatMap(d -> d.attempts().stream()
                        .filter(a -> a.stage().equals(Stage.EVALUATE.name())
                                && a.outputs().containsKey(ArtifactNames.REPORT)
                                && a.status().completed())
                        .reduce((a, b) -> b)
                        .map(a -> a.outputs().get(ArtifactNames.REPORT)));
    }

    private static ModelView model(ModelRecord m) {
        return new ModelView(
                m.id(),
                m.generation(),
                m.kind(),
                m.parentModelId(),
                m.checkpointSha256(),
                m.codeVersion(),
                m.createdAt());
    }

    private static EvaluationView evaluation(EvaluationRecord e) {
        return new EvaluationView(
                e.id(),
                e.modelId(),
                e.datasetSha256(),
                LvisMetrics.named(e.metrics().values()),
                e.createdAt(),
                e.iouType());
    }

    /**
     * A stage's status from its attempts: per part the latest attempt counts. PENDING without attempts; RUNNING
     * while a part runs (or while the run goes on and no later stage started); FAILED if a part's latest failed;
     * REUSED if every part was reused; else SUCCEEDED.
     */
    static StageStatus stageStatus(List<StageAttempt> attempts, RunStatus runStatus, boolean laterStageStarted) {
        if (attempts.isEmpty()) {
            return StageStatus.PENDING;
        }
        Map<String, StageAttempt> latest = new LinkedHashMap<>();
        for (StageAttempt a : attempts) {
            latest.merge(a.part(), a, (x, y) -> y.attempt() > x.attempt() ? y : x);
        }
        if (latest.values().stream().anyMatch(a -> a.status() == AttemptStatus.RUNNING)) {
            return StageStatus.RUNNING;
        }
        if (latest.values().stream().anyMatch(a -> a.status() == AttemptStatus.FAILED)) {
            return StageStatus.FAILED;
        }
        if (runStatus == RunStatus.RUNNING && !laterStageStarted) {
            return StageStatus.RUNNING;
        }
        return latest.values().stream().allMatch(a -> a.status() == AttemptStatus.REUSED)
                ? StageStatus.REUSED
                : StageStatus.SUCCEEDED;
    }

    private static AttemptView attempt(StageAttempt a) {
        Double seconds = a.endedAt() == null || a.startedAt() == null
                ? null
                : Duration.between(a.startedAt(), a.endedAt()).toMillis() / 1000.0;
        String error = a.errorMessage() == null
                ? null
                : a.errorClass() == null ? a.errorMessage() : a.errorClass() + ": " + a.errorMessage();
        return new AttemptView(
                a.part(),
                a.attempt(),
                a.status(),
                a.worker(),
                a.startedAt(),
                a.endedAt(),
                seconds,
                error,
                a.resumedFromIteration(),
                a.reusedAttemptId(),
                a.stageKey(),
                tree(a.progressJson()),
                a.outputs());
    }

    private static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}

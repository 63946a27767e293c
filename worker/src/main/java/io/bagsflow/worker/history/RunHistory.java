package io.bagsflow.worker.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.activities.report.RunReports;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.CategoryAp;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.PipelineRun;
import io.bagsflow.db.RunDetails;
import io.bagsflow.db.RunFilter;
import io.bagsflow.db.RunLabelRepository;
import io.bagsflow.db.RunLabels;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.eval.BinAp;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.ModelKind;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.StageStatus;
import io.bagsflow.model.pipeline.ArtifactNames;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.worker.history.RunViews.ArtifactView;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.CurveView;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.ModelPage;
import io.bagsflow.worker.history.RunViews.ModelView;
import io.bagsflow.worker.history.RunViews.RunCurves;
import io.bagsflow.worker.history.RunViews.RunSummary;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Run history as users see it, read from PostgreSQL only (never from Temporal's visibility API). */
public final class RunHistory {

    /** snake_case keys, ISO-8601 times. */
    public static final ObjectMapper JSON = JsonMappers.indenting(JsonMappers.strict())
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final RunRepository runs;
    private final LineageRepository lineage;
    private final RunLabelRepository labels;

    public RunHistory(RunRepository runs, LineageRepository lineage) {
        this.runs = runs;
        this.lineage = lineage;
        this.labels = new RunLabelRepository(runs.database());
    }

    /** The model kind whose metrics the runs list shows unless told otherwise: the method this project is about. */
    public static final String DEFAULT_METRICS_KIND = ModelKind.BAGS.kind();

    public List<RunSummary> list(RunFilter filter) {
        return list(filter, DEFAULT_METRICS_KIND);
    }

    /**
     * Runs with their labels, the stage in progress of the open ones, and the metrics of the newest evaluation of
     * their model of kind {@code metricsKind} (none when null).
     */
    public List<RunSummary> list(RunFilter filter, String metricsKind) {
        List<PipelineRun> found = runs.listRuns(filter);
        List<String> ids = found.stream().map(PipelineRun::id).toList();
        Map<String, RunLabels> labels = this.labels.labelsOf(ids);
        Map<String, EvaluationRecord> evaluations =
                metricsKind == null ? Map.of() : lineage.newestEvaluationsOfKind(ids, metricsKind);
        Map<String, EvaluationRecord> maskEvaluations = metricsKind == null
                ? Map.of()
                : lineage.newestEvaluationsOfKind(ids, metricsKind, EvaluationRecord.SEGM);
        List<RunSummary> out = new ArrayList<>();
        for (PipelineRun r : found) {
            RunLabels l = labels.getOrDefault(r.id(), RunLabels.NONE);
            EvaluationRecord e = evaluations.get(r.id());
            StageView current = r.status().ended() ? null : currentStage(r.id());
            AttemptView latest = current == null || current.attempts().isEmpty()
                    ? null
                    : current.attempts().get(current.attempts().size() - 1);
            out.add(new RunSummary(
                    r.id(),
                    r.status(),
                    r.createdAt(),
                    r.endedAt(),
                    r.dataset(),
                    r.resumedFrom(),
                    l.name(),
                    l.tags(),
                    l.note(),
                    l.abortReason(),
                    current == null ? null : current.stage(),
                    latest == null ? null : latest.progress(),
                    e == null ? null : metricsKind,
                    e == null ? null : LvisMetrics.named(e.metrics().values()),
                    maskEvaluations.containsKey(r.id())
                            ? LvisMetrics.named(
                                    maskEvaluations.get(r.id()).metrics().values())
                            : null));
        }
        return out;
    }

    /** The latest stage of an open run that has attempts (the one in progress or waiting), null before any. */
    private StageView currentStage(String runId) {
        List<StageView> stages = show(runId).map(RunView::stages).orElse(List.of());
        StageView current = null;
        for (StageView s : stages) {
            if (!s.attempts().isEmpty()) {
                current = s;
            }
        }
        return current;
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
        Map<Stage, Set<String>> expected = expectedParts(run.specJson());
        for (int i = order.length - 1; i >= 0; i--) {
            String stage = order[i].name();
            List<StageAttempt> attempts = d.attempts().stream()
                    .filter(a -> a.stage().name().equals(stage))
                    .toList();
            stages.add(
                    0,
                    new StageView(
                            stage,
                            stageStatus(attempts, run.status(), laterStarted, expected.get(order[i])),
                            attempts.stream().map(RunHistory::attempt).toList()));
            laterStarted |= !attempts.isEmpty();
        }
        List<ModelRecord> modelRecords = lineage.modelsOfRun(runId);
        List<String> kindOrder = kindOrder(run.specJson());
        List<ModelView> models = modelRecords.stream()
                .sorted(GenerationOrder.models(kindOrder))
                .map(RunHistory::model)
                .toList();
        // evaluations of models reused from another run are not among this run's models: look their kind up
        Map<String, ModelRecord> byId = new HashMap<>();
        modelRecords.forEach(m -> byId.put(m.id(), m));
        List<EvaluationRecord> evaluationRecords = lineage.evaluationsOfRun(runId);
        for (EvaluationRecord e : evaluationRecords) {
            if (!byId.containsKey(e.modelId())) {
                lineage.findModel(e.modelId()).ifPresent(m -> byId.put(m.id(), m));
            }
        }
        BinEdges bins = bins(run.specJson());
        List<EvaluationView> evaluations = evaluationRecords.stream()
                .sorted(GenerationOrder.evaluations(kindOrder, byId))
                .map(e -> evaluation(e, bins))
                .toList();
        RunLabels l = labels.labels(runId);
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
                l.name(),
                l.tags(),
                l.note(),
                l.abortReason(),
                run.error(),
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
                        .map(e -> evaluation(
                                e,
                                bins(runs.findRun(m.runId())
                                        .map(PipelineRun::specJson)
                                        .orElse(null))))
                        .toList()));
    }

    /**
     * The loss curves of a run's training attempts so far (TRAIN_BASE, then FINETUNE_BAGS), each from the stored
     * progress of its attempt, or of the attempt it reused; attempts without a curve (not started, or made before
     * progress carried one) are left out. Empty for an unknown run.
     */
    public Optional<RunCurves> curves(String runId) {
        Optional<RunDetails> found = runs.runDetails(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        AttemptRepository attempts = new AttemptRepository(runs.database());
        List<CurveView> curves = new ArrayList<>();
        for (Stage stage : List.of(Stage.TRAIN_BASE, Stage.FINETUNE_BAGS)) {
            for (StageAttempt a : found.get().attempts()) {
                if (a.stage() != stage) {
                    continue;
                }
                StageAttempt source = a.reusedAttemptId() == null
                        ? a
                        : attempts.findAttempt(a.reusedAttemptId()).orElse(a);
                JsonNode progress = tree(source.progressJson());
                if (progress == null || !progress.path("curve").isArray()) {
                    continue;
                }
                curves.add(new CurveView(
                        a.stage().name(),
                        a.part(),
                        a.attempt(),
                        a.status(),
                        source == a ? null : source.id(),
                        progress.path("step").isInt() ? progress.path("step").asInt() : null,
                        progress.path("total").isInt() ? progress.path("total").asInt() : null,
                        progress.path("curve")));
            }
        }
        return Optional.of(new RunCurves(runId, found.get().run().status(), curves));
    }

    /** The HTML report the run's EVALUATE stage stored (its {@code report} output), if it got that far. */
    public Optional<String> reportSha256(String runId) {
        return runs.runDetails(runId)
                .flatMap(d -> d.attempts().stream()
                        .filter(a -> a.stage() == Stage.EVALUATE
                                && a.outputs().containsKey(ArtifactNames.REPORT)
                                && a.status().completed())
                        .reduce((a, b) -> b)
                        .map(a -> a.outputs().get(ArtifactNames.REPORT)));
    }

    /** The spec's {@code generations}, in its order (empty when the stored spec has none or cannot be read). */
    public static List<String> kindOrder(String specJson) {
        JsonNode spec = tree(specJson);
        List<String> kinds = new ArrayList<>();
        if (spec != null) {
            spec.path("generations").forEach(k -> kinds.add(k.asText()));
        }
        return kinds;
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

    private EvaluationView evaluation(EvaluationRecord e, BinEdges bins) {
        List<CategoryAp> perCategory = lineage.categoryAps(e.id());
        int[] n = new int[perCategory.size()];
        double[] ap = new double[perCategory.size()];
        for (int i = 0; i < n.length; i++) {
            CategoryAp c = perCategory.get(i);
            n[i] = c.trainInstances() == null ? 0 : c.trainInstances();
            ap[i] = c.ap();
        }
        return new EvaluationView(
                e.id(),
                e.modelId(),
                e.split(),
                e.datasetSha256(),
                LvisMetrics.named(e.metrics().values()),
                perCategory.isEmpty() ? List.of() : BinAp.of(bins, n, ap),
                e.createdAt(),
                e.iouType());
    }

    private static BinEdges bins(String specJson) {
        return RunReports.binsOf(specJson);
    }

    /**
     * A stage's status from its attempts: per part the latest attempt counts. PENDING without attempts; RUNNING
     * while a part runs (or while the run goes on and no later stage started); FAILED if a part's latest failed;
     * a stage with a part of {@code expectedParts} never completed is not done: RUNNING while the run is open,
     * FAILED once it ended (an aborted run whose fine-tune finished one kind of two did not succeed at fine-tuning);
     * REUSED if every part was reused; else SUCCEEDED.
     */
    static StageStatus stageStatus(
            List<StageAttempt> attempts, RunStatus runStatus, boolean laterStageStarted, Set<String> expectedParts) {
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
        if (!latest.keySet().containsAll(expectedParts)) {
            return runStatus.ended() ? StageStatus.FAILED : StageStatus.RUNNING;
        }
        if (runStatus == RunStatus.RUNNING && !laterStageStarted) {
            return StageStatus.RUNNING;
        }
        return latest.values().stream().allMatch(a -> a.status() == AttemptStatus.REUSED)
                ? StageStatus.REUSED
                : StageStatus.SUCCEEDED;
    }

    /**
     * The parts that the stages made of one part per model must all complete, from the run's spec: FINETUNE_BAGS
     * one per generation-1 kind, EVALUATE predict and score per model and the report. Other stages (and a spec that
     * does not parse) expect nothing beyond their attempts.
     */
    static Map<Stage, Set<String>> expectedParts(String specJson) {
        Map<Stage, Set<String>> out = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            out.put(s, Set.of());
        }
        List<String> kinds;
        try {
            kinds = PipelineSpecs.parse(specJson).withDefaults().kinds();
        } catch (RuntimeException unreadable) {
            return out;
        }
        if (kinds == null) {
            return out;
        }
        Set<String> finetune = new LinkedHashSet<>();
        Set<String> evaluate = new LinkedHashSet<>();
        List<String> models = new ArrayList<>();
        models.add(ModelRef.BASE);
        models.addAll(kinds);
        for (String kind : kinds) {
            finetune.add(PartKey.finetune(kind).part());
        }
        for (String model : models) {
            evaluate.add(PartKey.predict(model).part());
            evaluate.add(PartKey.score(model).part());
        }
        evaluate.add(PartKey.report().part());
        out.put(Stage.FINETUNE_BAGS, finetune);
        out.put(Stage.EVALUATE, evaluate);
        return out;
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
                withoutCurve(tree(a.progressJson())),
                a.outputs());
    }

    /**
     * An attempt's progress as {@code runs show} documents it: the curve so far has a request of its own
     * ({@link #curves}), so the run's document, which the UI polls every 2 s, stays small.
     */
    private static JsonNode withoutCurve(JsonNode progress) {
        if (progress instanceof ObjectNode o && o.has("curve")) {
            o.remove("curve");
        }
        return progress;
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

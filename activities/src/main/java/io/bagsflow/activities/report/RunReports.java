package io.bagsflow.activities.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.pipeline.Artifacts;
import io.bagsflow.activities.pipeline.DatasetCache;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.CategoryAp;
import io.bagsflow.db.Database;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.PipelineRun;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.dataset.DatasetManifest;
import io.bagsflow.ml.dataset.ManifestCategory;
import io.bagsflow.ml.detector.ClassifierWeightNorms;
import io.bagsflow.ml.eval.BinAp;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.report.HtmlReport;
import io.bagsflow.ml.report.ReportModel;
import io.bagsflow.model.pipeline.ArtifactNames;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.TrainingCurve;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gathers what reports and comparisons show about models, from the lineage in PostgreSQL and the artifacts they
 * point to (training curves, checkpoints for weight norms, the manifest for training instance counts).
 */
public final class RunReports {

    private static final ObjectMapper JSON = JsonMappers.strict();

    private final RunRepository runs;
    private final AttemptRepository attempts;
    private final ArtifactRepository artifacts;
    private final LineageRepository lineage;
    private final ArtifactStore store;
    private final DatasetCache cache;

    public RunReports(Database database, ArtifactStore store, DatasetCache cache) {
        this.runs = new RunRepository(database);
        this.attempts = new AttemptRepository(database);
        this.artifacts = new ArtifactRepository(database);
        this.lineage = new LineageRepository(database);
        this.store = store;
        this.cache = cache;
    }

    /**
     * Writes the HTML report of a run: its model generations compared. It names models by generation and kind and
     * their lineage by content hashes, not by run or model ids or times, so it depends only on what the run's
     * stages produced (and a run that reused everything may reuse the report too).
     */
    public void write(String runId, Path file) throws IOException {
        List<ReportModel> models = reportModels(lineage.modelsOfRun(runId));
        if (models.isEmpty()) {
            throw new IllegalStateException("run " + runId + " has no models to report on");
        }
        PipelineRun run = runs.findRun(runId).orElseThrow();
        String html = HtmlReport.render(
                "bagsflow report: " + run.dataset(),
                "code " + run.codeVersion() + ", " + models.size() + " model generations",
                models,
                false);
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    /** The report view of these models, in the given order, with curves and weight norms from their artifacts. */
    public List<ReportModel> reportModels(List<ModelRecord> models) {
        return reportModels(models, true);
    }

    /**
     * The report view of these models; without artifacts only the database is read (metrics and per-category AP),
     * which is all a comparison table needs.
     */
    public List<ReportModel> reportModels(List<ModelRecord> models, boolean withArtifacts) {
        List<ReportModel> out = new ArrayList<>();
        for (ModelRecord m : models) {
            out.add(reportModel(m, withArtifacts));
        }
        return out;
    }

    public ReportModel reportModel(ModelRecord m, boolean withArtifacts) {
        PipelineRun run = runs.findRun(m.runId()).orElseThrow();
        Map<Integer, ManifestCategory> categories = withArtifacts ? manifestCategories(m.manifestSha256()) : Map.of();

        Map<String, Double> metrics = new LinkedHashMap<>();
        List<ReportModel.CategoryPoint> perCategory = new ArrayList<>();
        List<EvaluationRecord> evaluations = lineage.evaluationsOfModel(m.id());
        // reports use test; a model evaluated before test splits existed has only val, which is then what there is
        Optional<EvaluationRecord> evaluation = latest(evaluations, EvaluationRecord.TEST, false)
                .or(() -> latest(evaluations, EvaluationRecord.VAL, false));
        Optional<EvaluationRecord> onVal = latest(evaluations, EvaluationRecord.VAL, false);
        // the mask evaluation of the same split, shown beside the box numbers
        Map<String, Double> maskMetrics = new LinkedHashMap<>();
        evaluation
                .flatMap(e -> latest(evaluations, e.split(), true))
                .ifPresent(e -> maskMetrics.putAll(LvisMetrics.named(e.metrics().values())));
        List<BinAp> binAp = List.of();
        if (evaluation.isPresent()) {
            metrics.putAll(LvisMetrics.named(evaluation.get().metrics().values()));
            List<CategoryAp> aps = lineage.categoryAps(evaluation.get().id());
            int[] counts = new int[aps.size()];
            double[] values = new double[aps.size()];
            for (int i = 0; i < aps.size(); i++) {
                CategoryAp c = aps.get(i);
                int n = c.trainInstances() != null
                        ? c.trainInstances()
                        : categories.containsKey(c.categoryId())
                                ? categories.get(c.categoryId()).instanceCount()
                                : 0;
                perCategory.add(new ReportModel.CategoryPoint(c.categoryId(), c.frequency(), n, c.ap()));
                counts[i] = n;
                values[i] = c.ap();
            }
            if (!aps.isEmpty()) {
                binAp = BinAp.of(binsOf(run.specJson()), counts, values);
            }
        }
        return new ReportModel(
                m.id(),
                m.runId(),
                m.generation(),
                m.kind(),
                m.parentModelId(),
                metrics,
                perCategory,
                withArtifacts ? weightNorms(m, categories) : List.of(),
                withArtifacts ? curve(m) : List.of(),
                new ReportModel.Lineage(
                        run.dataset(),
                        m.manifestSha256(),
                        m.groupsSha256(),
                        m.checkpointSha256(),
                        m.configJson(),
                        m.codeVersion(),
                        String.valueOf(m.createdAt())),
                evaluation.map(EvaluationRecord::split).orElse(null),
                evaluation.map(EvaluationRecord::datasetSha256).orElse(null),
                evaluation.isPresent()
                        && (onVal.isEmpty()
                                || evaluation.get().split().equals(EvaluationRecord.VAL)
                                || onVal.get()
                                        .datasetSha256()
                                        .equals(evaluation.get().datasetSha256())),
                binAp,
                maskMetrics);
    }

    /** The newest box ({@code mask} false) or mask evaluation on this split. */
    private static Optional<EvaluationRecord> latest(List<EvaluationRecord> evaluations, String split, boolean mask) {
        return evaluations.stream()
                .filter(e -> e.split().equals(split) && e.isMask() == mask)
                .max(Comparator.comparingLong(EvaluationRecord::id));
    }

    /** The BAGS bins of a run's spec ({@code groups.bins}); the default bins when the spec does not say. */
    public static BinEdges binsOf(String specJson) {
        if (specJson == null) {
            return BinEdges.DEFAULT;
        }
        try {
            JsonNode bins = JSON.readTree(specJson).path("groups").path("bins");
            if (!bins.isArray() || bins.isEmpty()) {
                return BinEdges.DEFAULT;
            }
            int[] edges = new int[bins.size()];
            for (int i = 0; i < edges.length; i++) {
                edges[i] = bins.get(i).asInt();
            }
            return new BinEdges(edges);
        } catch (IOException | IllegalArgumentException unreadable) {
            // a spec that cannot say its bins (it was validated when the run started) gets the paper's
            return BinEdges.DEFAULT;
        }
    }

    private Map<Integer, ManifestCategory> manifestCategories(String manifestSha) {
        Map<Integer, ManifestCategory> out = new LinkedHashMap<>();
        if (manifestSha == null || !store.exists(manifestSha)) {
            return out;
        }
        DatasetManifest manifest = DatasetManifest.read(cache.file(ref(manifestSha)));
        manifest.categories().stream()
                .sorted(Comparator.comparingInt(ManifestCategory::id))
                .forEach(c -> out.put(c.id(), c));
        return out;
    }

    /** Class i of the classifier is the i-th category by ascending id (label 0 is background). */
    private List<ReportModel.NormPoint> weightNorms(ModelRecord m, Map<Integer, ManifestCategory> categories) {
        if (categories.isEmpty() || !store.exists(m.checkpointSha256())) {
            return List.of();
        }
        float[] norms = ClassifierWeightNorms.of(cache.file(ref(m.checkpointSha256())));
        List<ManifestCategory> byId = new ArrayList<>(categories.values());
        List<ReportModel.NormPoint> out = new ArrayList<>();
        for (int i = 0; i < Math.min(norms.length, byId.size()); i++) {
            out.add(new ReportModel.NormPoint(byId.get(i).id(), byId.get(i).instanceCount(), norms[i]));
        }
        return out;
    }

    private List<ReportModel.CurvePoint> curve(ModelRecord m) {
        if (m.stageAttemptId() == null) {
            return List.of();
        }
        Optional<StageAttempt> attempt = attempts.findAttempt(m.stageAttemptId());
        String sha =
                attempt.map(a -> a.outputs().get(ArtifactNames.curve(m.kind()))).orElse(null);
        if (sha == null || !store.exists(sha)) {
            return List.of();
        }
        List<ReportModel.CurvePoint> out = new ArrayList<>();
        try {
            TrainingCurve doc = JSON.readValue(cache.file(ref(sha)).toFile(), TrainingCurve.class);
            for (TrainingCurve.Point p : doc.points()) {
                out.add(new ReportModel.CurvePoint(p.iteration(), p.total()));
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    private ArtifactRef ref(String sha) {
        ArtifactRecord a = artifacts.find(sha).orElse(null);
        return a == null ? new ArtifactRef(sha, -1, "application/octet-stream") : Artifacts.ref(a);
    }
}

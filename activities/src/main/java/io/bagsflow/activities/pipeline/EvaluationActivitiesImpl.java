package io.bagsflow.activities.pipeline;

import static io.bagsflow.workflows.pipeline.ArtifactNames.MANIFEST;
import static io.bagsflow.workflows.pipeline.ArtifactNames.VAL;

import io.bagsflow.db.CategoryAp;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.Metrics;
import io.bagsflow.ml.dataset.DatasetManifest;
import io.bagsflow.ml.dataset.ManifestCategory;
import io.bagsflow.ml.eval.CategoryEvaluation;
import io.bagsflow.ml.eval.IouType;
import io.bagsflow.ml.eval.LvisEvaluation;
import io.bagsflow.ml.eval.LvisEvaluationJson;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsReader;
import io.bagsflow.workflows.pipeline.ArtifactNames;
import io.bagsflow.workflows.pipeline.ArtifactRef;
import io.bagsflow.workflows.pipeline.EvaluationActivities;
import io.bagsflow.workflows.pipeline.ModelRef;
import io.bagsflow.workflows.pipeline.PartKey;
import io.bagsflow.workflows.pipeline.Stage;
import io.bagsflow.workflows.pipeline.StageInput;
import io.bagsflow.workflows.pipeline.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU half of EVALUATE: LVIS evaluation of a model's results (recorded as an evaluation with per-category
 * values in the lineage), and the run's report at the end.
 */
public class EvaluationActivitiesImpl implements EvaluationActivities {

    private final StageRunner runner;
    private final DatasetCache cache;
    private final RunReportWriter reports;

    public EvaluationActivitiesImpl(StageRunner runner, DatasetCache cache, RunReportWriter reports) {
        this.runner = runner;
        this.cache = cache;
        this.reports = reports;
    }

    @Override
    public StageResult score(StageInput input) {
        ModelRef model = input.model();
        Map<String, ArtifactRef> a = input.artifacts();
        ArtifactRef results = a.get(ArtifactNames.results(model.kind()));
        String part = PartKey.score(model.kind()).part();
        // every generation shares the base's mask head, so the spec says whether this model's results carry masks
        boolean masks = DetectorConfigs.base(input.spec()).masks();
        String key = StageKey.of(
                Stage.EVALUATE.name(),
                part,
                masks ? "{\"iouTypes\":[\"bbox\",\"segm\"]}" : "{}",
                Map.of("results", results.sha256(), VAL, a.get(VAL).sha256()));
        return runner.run(
                input.runId(),
                Stage.EVALUATE,
                part,
                key,
                input.spec().reuseEnabled(),
                attempt -> {
                    Path valFile = cache.file(a.get(VAL));
                    Path resultsFile =
                            attempt.download(results, attempt.workDir().resolve("results.json"));
                    LvisDataset val =
                            masks ? LvisDatasetReader.readWithSegmentations(valFile) : LvisDatasetReader.read(valFile);
                    LvisResults dt =
                            masks ? LvisResultsReader.readWithMasks(resultsFile) : LvisResultsReader.read(resultsFile);
                    attempt.progress(Map.of("step", 0, "total", 1, "message", dt.size() + " detections"));
                    LvisEvaluator evaluator = new LvisEvaluator(val, "val.json");
                    String name = ArtifactNames.results(model.kind());
                    Map<String, ArtifactRef> out = new HashMap<>();
                    write(
                            attempt,
                            evaluator.evaluate(dt, name),
                            "metrics-" + model.kind(),
                            out,
                            ArtifactNames.metrics(model.kind()),
                            ArtifactNames.table(model.kind()));
                    if (masks) {
                        write(
                                attempt,
                                evaluator.evaluate(dt, name, IouType.SEGM),
                                "mask-metrics-" + model.kind(),
                                out,
                                ArtifactNames.maskMetrics(model.kind()),
                                ArtifactNames.maskTable(model.kind()));
                    }
                    return out;
                },
                outputs -> evaluationWriter(
                        input.runId(),
                        model,
                        outputs.get(ArtifactNames.metrics(model.kind())),
                        outputs.get(ArtifactNames.maskMetrics(model.kind())),
                        results,
                        a.get(VAL),
                        a.get(MANIFEST)));
    }

    /** Uploads an evaluation as JSON and as a markdown table under the given output names. */
    private static void write(
            Attempt attempt,
            LvisEvaluation evaluation,
            String fileStem,
            Map<String, ArtifactRef> out,
            String metricsName,
            String tableName)
            throws java.io.IOException {
        Path file = attempt.workDir().resolve(fileStem + ".json");
        LvisEvaluationJson.write(evaluation, file);
        Path table = attempt.workDir().resolve(fileStem + ".md");
        Files.writeString(table, evaluation.markdownTable());
        out.put(metricsName, attempt.upload(file, "application/json"));
        out.put(tableName, attempt.upload(table, "text/markdown"));
    }

    @Override
    public StageResult report(StageInput input) {
        Map<String, ArtifactRef> a = input.artifacts();
        Map<String, String> inputs = new HashMap<>();
        a.forEach((name, ref) -> inputs.put(name, ref.sha256()));
        // the run's report describes its models by content (data, groups, checkpoints, configs, metrics), not by run
        // or model ids, so a run whose inputs are all the same may take an earlier run's report as its own
        PartKey part = PartKey.report();
        String key = StageKey.of(part.stage().name(), part.part(), "{}", inputs);
        return runner.run(
                input.runId(),
                part.stage(),
                part.part(),
                key,
                input.spec().reuseEnabled(),
                attempt -> {
                    Path html = attempt.workDir().resolve("report.html");
                    reports.write(input.runId(), html);
                    return Map.of(ArtifactNames.REPORT, attempt.upload(html, "text/html"));
                },
                StageRunner.NOTHING_TO_RECORD);
    }

    /**
     * Reads the stored evaluations (reused ones too) and the manifest before any transaction opens; the writer then
     * records each evaluation (box, and mask when {@code maskMetrics} is not null) with per-category values and
     * training instance counts.
     */
    private StageRunner.Writer evaluationWriter(
            String runId,
            ModelRef model,
            ArtifactRef metrics,
            ArtifactRef maskMetrics,
            ArtifactRef results,
            ArtifactRef val,
            ArtifactRef manifestRef) {
        DatasetManifest manifest = DatasetManifest.read(cache.file(manifestRef));
        Map<Integer, Integer> trainInstances = new HashMap<>();
        for (ManifestCategory cat : manifest.categories()) {
            trainInstances.put(cat.id(), cat.instanceCount());
        }
        List<EvaluationRow> rows = new ArrayList<>();
        rows.add(row(LvisEvaluationJson.read(cache.file(metrics)), EvaluationRecord.BBOX, trainInstances));
        if (maskMetrics != null) {
            rows.add(row(LvisEvaluationJson.read(cache.file(maskMetrics)), EvaluationRecord.SEGM, trainInstances));
        }
        return (c, attemptId) -> {
            for (EvaluationRow r : rows) {
                LineageRepository.insertEvaluation(
                        c,
                        new EvaluationRecord(
                                0,
                                ModelIds.of(runId, model.kind()),
                                runId,
                                val.sha256(),
                                results.sha256(),
                                attemptId,
                                r.metrics(),
                                null,
                                r.iouType()),
                        r.perCategory());
            }
            return List.of();
        };
    }

    private record EvaluationRow(String iouType, Metrics metrics, List<CategoryAp> perCategory) {}

    private static EvaluationRow row(LvisEvaluation e, String iouType, Map<Integer, Integer> trainInstances) {
        List<CategoryAp> perCategory = new ArrayList<>();
        for (CategoryEvaluation ce : e.perCategory()) {
            perCategory.add(new CategoryAp(
                    ce.categoryId(),
                    ce.frequency() == null ? null : ce.frequency().code(),
                    trainInstances.get(ce.categoryId()),
                    ce.values()));
        }
        return new EvaluationRow(iouType, Metrics.of(e.metrics().values()), perCategory);
    }
}

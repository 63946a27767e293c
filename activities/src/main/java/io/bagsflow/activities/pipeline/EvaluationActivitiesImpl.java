package io.bagsflow.activities.pipeline;

import static io.bagsflow.model.pipeline.ArtifactNames.MANIFEST;
import static io.bagsflow.model.pipeline.ArtifactNames.TEST;
import static io.bagsflow.model.pipeline.ArtifactNames.VAL;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.db.CategoryAp;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.Metrics;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.dataset.DatasetManifest;
import io.bagsflow.ml.dataset.ManifestCategory;
import io.bagsflow.ml.eval.BinAp;
import io.bagsflow.ml.eval.CategoryEvaluation;
import io.bagsflow.ml.eval.IouType;
import io.bagsflow.ml.eval.LvisEvaluation;
import io.bagsflow.ml.eval.LvisEvaluationJson;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsReader;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactNames;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.bagsflow.workflows.pipeline.EvaluationActivities;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU half of EVALUATE: LVIS evaluation of a model's results (recorded as an evaluation with per-category
 * values in the lineage), and the run's report at the end.
 */
public class EvaluationActivitiesImpl implements EvaluationActivities {

    /** Reads and writes the metrics JSON with its doubles exact (Double.toString both ways). */
    private static final ObjectMapper METRICS_JSON = JsonMappers.indenting(JsonMappers.strict());

    private final StageRunner runner;
    private final DatasetCache cache;
    private final RunReportWriter reports;

    public EvaluationActivitiesImpl(StageRunner runner, DatasetCache cache, RunReportWriter reports) {
        this.runner = runner;
        this.cache = cache;
        this.reports = reports;
    }

    /**
     * Scores the model on val and on test: val's evaluation is where choices from data are checked, test's is what
     * reports use. Runs whose PREPARE made no test split (older runs) score val twice, recording it as test too.
     */
    @Override
    public StageResult score(StageInput input) {
        ModelRef model = input.model();
        String kind = model.kind();
        Map<String, ArtifactRef> a = input.artifacts();
        ArtifactRef results = a.get(ArtifactNames.results(kind));
        ArtifactRef testResults = a.getOrDefault(ArtifactNames.testResults(kind), results);
        ArtifactRef test = a.getOrDefault(TEST, a.get(VAL));
        BinEdges bins = bins(input);
        // every generation shares the base's mask head, so the spec says whether this model's results carry masks
        boolean masks = DetectorConfigs.base(input.spec()).masks();
        PartKey part = PartKey.score(kind);
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("results", results.sha256());
        inputs.put(VAL, a.get(VAL).sha256());
        inputs.put("test_results", testResults.sha256());
        inputs.put(TEST, test.sha256());
        inputs.put(MANIFEST, a.get(MANIFEST).sha256());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bins", bins.edges());
        if (masks) {
            // only then: a box-only evaluation keeps the key it had before masks existed
            config.put("iouTypes", List.of(IouType.BBOX.code(), IouType.SEGM.code()));
        }
        String key = StageKey.of(Stage.EVALUATE.name(), part.part(), PipelineSpecs.toJson(config), inputs);
        return runner.run(StageCall.of(input, part, key, attempt -> {
                    Map<Integer, Integer> trainInstances = trainInstances(a.get(MANIFEST));
                    Map<String, ArtifactRef> out = new LinkedHashMap<>();
                    boolean valServesAsTest = test.sha256().equals(a.get(VAL).sha256())
                            && testResults.sha256().equals(results.sha256());
                    Steps steps = new Steps(attempt, (valServesAsTest ? 1 : 2) * (masks ? 2 : 1));
                    scoreSplit(
                            attempt,
                            steps,
                            kind,
                            EvaluationRecord.VAL,
                            a.get(VAL),
                            results,
                            bins,
                            trainInstances,
                            masks,
                            out);
                    if (valServesAsTest) {
                        // val serves as test: the same evaluation, stored once, named twice
                        out.put(ArtifactNames.testMetrics(kind), out.get(ArtifactNames.metrics(kind)));
                        out.put(ArtifactNames.testTable(kind), out.get(ArtifactNames.table(kind)));
                        if (masks) {
                            out.put(ArtifactNames.testMaskMetrics(kind), out.get(ArtifactNames.maskMetrics(kind)));
                            out.put(ArtifactNames.testMaskTable(kind), out.get(ArtifactNames.maskTable(kind)));
                        }
                        return out;
                    }
                    scoreSplit(
                            attempt,
                            steps,
                            kind,
                            EvaluationRecord.TEST,
                            test,
                            testResults,
                            bins,
                            trainInstances,
                            masks,
                            out);
                    return out;
                })
                .recording(outputs -> {
                    StageRunner.Writer onVal = evaluationWriter(
                            input.runId(),
                            model,
                            EvaluationRecord.VAL,
                            outputs.get(ArtifactNames.metrics(kind)),
                            outputs.get(ArtifactNames.maskMetrics(kind)),
                            results,
                            a.get(VAL),
                            a.get(MANIFEST));
                    StageRunner.Writer onTest = evaluationWriter(
                            input.runId(),
                            model,
                            EvaluationRecord.TEST,
                            outputs.get(ArtifactNames.testMetrics(kind)),
                            outputs.get(ArtifactNames.testMaskMetrics(kind)),
                            testResults,
                            test,
                            a.get(MANIFEST));
                    return (c, attemptId) -> {
                        onVal.write(c, attemptId);
                        onTest.write(c, attemptId);
                        return List.of();
                    };
                }));
    }

    /**
     * Evaluates one split's results, by box and, with {@code masks}, by mask: writes each evaluation's metrics JSON
     * (lvis-api's keys, plus {@code split}, {@code iou_type} for a mask evaluation, and {@code bins}: AP per BAGS
     * bin) and markdown table, and puts them among the outputs under the split's names.
     */
    private void scoreSplit(
            Attempt attempt,
            Steps steps,
            String kind,
            String split,
            ArtifactRef annotations,
            ArtifactRef results,
            BinEdges bins,
            Map<Integer, Integer> trainInstances,
            boolean masks,
            Map<String, ArtifactRef> out)
            throws IOException {
        Path annotationsFile = cache.file(annotations);
        LvisDataset gt = masks
                ? LvisDatasetReader.readWithSegmentations(annotationsFile)
                : LvisDatasetReader.read(annotationsFile);
        Path resultsFile = attempt.download(results, attempt.workDir().resolve("results-" + split + ".json"));
        LvisResults dt = masks ? LvisResultsReader.readWithMasks(resultsFile) : LvisResultsReader.read(resultsFile);
        steps.report(dt.size() + " detections on " + split);
        boolean isTest = EvaluationRecord.TEST.equals(split);
        String resultsName = isTest ? ArtifactNames.testResults(kind) : ArtifactNames.results(kind);
        LvisEvaluator evaluator = new LvisEvaluator(gt, split + ".json");
        write(
                attempt,
                evaluator.evaluate(dt, resultsName),
                IouType.BBOX,
                "metrics-" + kind + "-" + split,
                split,
                bins,
                trainInstances,
                out,
                isTest ? ArtifactNames.testMetrics(kind) : ArtifactNames.metrics(kind),
                isTest ? ArtifactNames.testTable(kind) : ArtifactNames.table(kind));
        steps.done();
        if (masks) {
            write(
                    attempt,
                    evaluator.evaluate(dt, resultsName, IouType.SEGM),
                    IouType.SEGM,
                    "mask-metrics-" + kind + "-" + split,
                    split,
                    bins,
                    trainInstances,
                    out,
                    isTest ? ArtifactNames.testMaskMetrics(kind) : ArtifactNames.maskMetrics(kind),
                    isTest ? ArtifactNames.testMaskTable(kind) : ArtifactNames.maskTable(kind));
            steps.done();
        }
    }

    /**
     * A score part's progress: one step per evaluation (each split, by box and by mask), so a succeeded part shows
     * every step done (e.g. 4/4) instead of the 0/1 it reported before its first evaluation.
     */
    private static final class Steps {
        private final Attempt attempt;
        private final int total;
        private int done;

        Steps(Attempt attempt, int total) {
            this.attempt = attempt;
            this.total = total;
        }

        void report(String message) {
            attempt.progress(Map.of("step", done, "total", total, "message", message));
        }

        void done() {
            done++;
            attempt.progress(Map.of("step", done, "total", total));
        }
    }

    /** Uploads an evaluation as JSON (with split, bins and a mask evaluation's iou_type) and as a markdown table. */
    private static void write(
            Attempt attempt,
            LvisEvaluation evaluation,
            IouType iouType,
            String fileStem,
            String split,
            BinEdges bins,
            Map<Integer, Integer> trainInstances,
            Map<String, ArtifactRef> out,
            String metricsName,
            String tableName)
            throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        LvisEvaluationJson.write(evaluation, plain);
        ObjectNode doc = (ObjectNode) METRICS_JSON.readTree(plain.toByteArray());
        doc.put("split", split);
        if (iouType == IouType.SEGM) {
            // only then: a box evaluation's JSON stays byte for byte what it was before masks
            doc.put("iou_type", iouType.code());
        }
        ArrayNode binArray = doc.putArray("bins");
        for (BinAp b : binAps(bins, evaluation.perCategory(), trainInstances)) {
            ObjectNode o = binArray.addObject();
            o.put("bin", b.bin());
            o.put("classes", b.classes());
            o.put("classes_with_ap", b.classesWithAp());
            o.put("ap", b.ap());
        }
        Path file = attempt.workDir().resolve(fileStem + ".json");
        METRICS_JSON.writeValue(file.toFile(), doc);
        Path table = attempt.workDir().resolve(fileStem + ".md");
        Files.writeString(table, evaluation.markdownTable());
        out.put(metricsName, attempt.upload(file, "application/json"));
        out.put(tableName, attempt.upload(table, "text/markdown"));
    }

    /** AP per bin of these per-category values; a category the manifest does not count has 0 training instances. */
    static List<BinAp> binAps(
            BinEdges bins, List<CategoryEvaluation> perCategory, Map<Integer, Integer> trainInstances) {
        int[] n = new int[perCategory.size()];
        double[] ap = new double[perCategory.size()];
        for (int i = 0; i < n.length; i++) {
            CategoryEvaluation c = perCategory.get(i);
            n[i] = trainInstances.getOrDefault(c.categoryId(), 0);
            ap[i] = c.ap();
        }
        return BinAp.of(bins, n, ap);
    }

    private static BinEdges bins(StageInput input) {
        return new BinEdges(input.spec().groups().bins().stream()
                .mapToInt(Integer::intValue)
                .toArray());
    }

    private Map<Integer, Integer> trainInstances(ArtifactRef manifestRef) {
        DatasetManifest manifest = DatasetManifest.read(cache.file(manifestRef));
        Map<Integer, Integer> out = new HashMap<>();
        for (ManifestCategory cat : manifest.categories()) {
            out.put(cat.id(), cat.instanceCount());
        }
        return out;
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
        return runner.run(StageCall.of(input, part, key, attempt -> {
            Path html = attempt.workDir().resolve("report.html");
            reports.write(input.runId(), html);
            return Map.of(ArtifactNames.REPORT, attempt.upload(html, "text/html"));
        }));
    }

    /**
     * Reads the stored evaluations (reused ones too) and the manifest before any transaction opens; the writer then
     * records each evaluation (box, and mask when {@code maskMetrics} is not null) with per-category values and
     * training instance counts.
     */
    private StageRunner.Writer evaluationWriter(
            String runId,
            ModelRef model,
            String split,
            ArtifactRef metrics,
            ArtifactRef maskMetrics,
            ArtifactRef results,
            ArtifactRef val,
            ArtifactRef manifestRef) {
        Map<Integer, Integer> trainInstances = trainInstances(manifestRef);
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
                                split,
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

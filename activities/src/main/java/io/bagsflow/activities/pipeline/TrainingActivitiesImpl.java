package io.bagsflow.activities.pipeline;

import static io.bagsflow.model.pipeline.ArtifactNames.GROUPS;
import static io.bagsflow.model.pipeline.ArtifactNames.IMAGES;
import static io.bagsflow.model.pipeline.ArtifactNames.MANIFEST;
import static io.bagsflow.model.pipeline.ArtifactNames.TEST;
import static io.bagsflow.model.pipeline.ArtifactNames.TRAIN;
import static io.bagsflow.model.pipeline.ArtifactNames.VAL;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.CorruptArtifactException;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.bags.GroupsJson;
import io.bagsflow.ml.detector.BaseTrainer;
import io.bagsflow.ml.detector.ClassifierRetrainer;
import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.detector.Inference;
import io.bagsflow.ml.detector.RetrainSchedule;
import io.bagsflow.ml.detector.TauNormSearch;
import io.bagsflow.ml.detector.TrainingHooks;
import io.bagsflow.ml.detector.TrainingOutcome;
import io.bagsflow.ml.detector.TrainingProgress;
import io.bagsflow.ml.detector.WholeNetworkTrainer;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsWriter;
import io.bagsflow.model.ModelKind;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactNames;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.bagsflow.model.pipeline.TrainingCurve;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.workflows.pipeline.TrainingActivities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GPU-queue stages: base training (TRAIN_BASE), classifier-only retraining (FINETUNE_BAGS, one part per
 * method) and inference (EVALUATE's predict). Training heartbeats progress. Every periodic checkpoint is put in the
 * artifact store and its hash written to the attempt's progress before training goes on (it is not an output of
 * the stage), and a retried attempt with the same stage key continues from the newest one.
 */
public class TrainingActivitiesImpl implements TrainingActivities {

    private final StageRunner runner;
    private final DatasetCache cache;

    public TrainingActivitiesImpl(StageRunner runner, DatasetCache cache) {
        this.runner = runner;
        this.cache = cache;
    }

    @Override
    public StageResult trainBase(StageInput input) {
        PipelineSpec spec = input.spec();
        DetectorConfig config = DetectorConfigs.base(spec);
        Map<String, ArtifactRef> a = input.artifacts();
        String key = StageKey.of(
                Stage.TRAIN_BASE.name(),
                ModelRef.BASE,
                DetectorConfigs.baseKey(config),
                Map.of(TRAIN, a.get(TRAIN).sha256(), IMAGES, a.get(IMAGES).sha256()));
        return runner.run(StageCall.of(input, PartKey.base(), key, attempt -> {
                    // a mask head learns from the polygons, which are most of a real annotation file: kept only then
                    Path trainFile = cache.file(a.get(TRAIN));
                    LvisDataset train = config.masks()
                            ? LvisDatasetReader.readWithSegmentations(trainFile)
                            : LvisDatasetReader.read(trainFile);
                    Path images = cache.images(a.get(IMAGES));
                    Path resume = resumeCheckpoint(Stage.TRAIN_BASE, ModelRef.BASE, attempt);
                    TrainingOutcome result = BaseTrainer.train(
                            config,
                            train,
                            images,
                            attempt.workDir().resolve("train"),
                            resume,
                            listener(attempt, ModelRef.BASE, config.iterations()));
                    finished(attempt, config.iterations(), result);
                    return trainedOutputs(attempt, ModelRef.BASE, result);
                })
                .recording(outputs -> (c, attemptId) ->
                        List.of(record(c, attemptId, input.runId(), ModelRef.BASE, 0, null, outputs, a, config))));
    }

    @Override
    public StageResult finetune(StageInput input) {
        PipelineSpec spec = input.spec();
        String kind = input.kind();
        ModelKind method = ModelKind.ofKind(kind);
        if (method == ModelKind.TAU_NORM_SELECT) {
            return tauNorm(input);
        }
        if (method == ModelKind.TAU_NORM) {
            return tauNormFixed(input);
        }
        DetectorConfig config = DetectorConfigs.finetune(spec);
        Map<String, ArtifactRef> a = input.artifacts();
        ModelRef base = input.model();
        String key = StageKey.of(
                Stage.FINETUNE_BAGS.name(),
                kind,
                DetectorConfigs.retrainKey(config),
                Map.of(
                        ModelRef.BASE,
                        base.checkpoint().sha256(),
                        GROUPS,
                        a.get(GROUPS).sha256(),
                        TRAIN,
                        a.get(TRAIN).sha256(),
                        IMAGES,
                        a.get(IMAGES).sha256()));
        return runRetrainPart(input, key, config, attempt -> {
            // the whole-network rows train the mask head too (with the rest of the network), from the polygons;
            // classifier-only retraining keeps the base's mask head and needs no polygons
            Path trainFile = cache.file(a.get(TRAIN));
            LvisDataset train = config.masks() && method.scope() != ModelKind.Scope.CLASSIFIER
                    ? LvisDatasetReader.readWithSegmentations(trainFile)
                    : LvisDatasetReader.read(trainFile);
            Path images = cache.images(a.get(IMAGES));
            BagsGroups groups = GroupsJson.read(cache.file(a.get(GROUPS)));
            Path baseCheckpoint = cache.file(base.checkpoint());
            Path workDir = attempt.workDir().resolve("retrain");
            int steps;
            TrainingOutcome result;
            if (method.scope() != ModelKind.Scope.CLASSIFIER) {
                // the paper's "all" rows: every weight trains, on the base's own schedule
                steps = WholeNetworkTrainer.iterations(method, baseCheckpoint);
                result = WholeNetworkTrainer.train(
                        method, config, baseCheckpoint, train, images, workDir, listener(attempt, kind, steps));
            } else {
                // NCM trains nothing: its classifier is the class means of the cached features
                steps = method.retrains() ? RetrainSchedule.of(config).iterations() : 0;
                result = ClassifierRetrainer.retrain(
                        method, config, baseCheckpoint, groups, train, images, workDir, listener(attempt, kind, steps));
            }
            finished(attempt, steps, result);
            return trainedOutputs(attempt, kind, result);
        });
    }

    /**
     * The {@code tau_norm} part of FINETUNE_BAGS (the paper's row 12): no training, no val set, the base
     * classifier's class rows normalised with tau = 1 ({@link TauNormSearch#fixed}). Its key is the base checkpoint
     * and the model's configuration, which is all it reads.
     */
    private StageResult tauNormFixed(StageInput input) {
        String kind = input.kind();
        DetectorConfig config = DetectorConfigs.finetune(input.spec());
        ModelRef base = input.model();
        String key = StageKey.of(
                Stage.FINETUNE_BAGS.name(),
                kind,
                DetectorConfigs.retrainKey(config),
                Map.of(ModelRef.BASE, base.checkpoint().sha256()));
        return runRetrainPart(input, key, config, attempt -> {
            TauNormSearch.Result fixed = TauNormSearch.fixed(
                    config,
                    cache.file(base.checkpoint()),
                    TauNormSearch.FIXED_TAU,
                    attempt.workDir().resolve("retrain"));
            attempt.progress(Map.of("tau", fixed.tau()));
            Map<String, ArtifactRef> out = new LinkedHashMap<>(trainedOutputs(
                    attempt, kind, new TrainingOutcome(fixed.checkpoint(), List.of(), 0, 0, fixed.seconds())));
            Path note = attempt.workDir().resolve("tau-" + kind + ".json");
            Files.writeString(note, fixed.toJson());
            out.put("tau/" + kind, attempt.upload(note, "application/json"));
            return out;
        });
    }

    /**
     * The {@code tau_norm_select} part of FINETUNE_BAGS (the paper's row 13): no training, the base classifier's class rows normalised with the
     * tau that gives the best LVIS AP on val ({@link TauNormSearch}). Its key holds the inference settings and the
     * val set instead of the retraining settings, since those are what the choice depends on. Outputs: the
     * checkpoint, an empty curve and {@code tau/tau_norm} (the search: chosen tau, grid, val AP of each), whose
     * numbers are also the attempt's last progress.
     */
    private StageResult tauNorm(StageInput input) {
        PipelineSpec spec = input.spec();
        String kind = input.kind();
        DetectorConfig config = DetectorConfigs.finetune(spec);
        Map<String, ArtifactRef> a = input.artifacts();
        ModelRef base = input.model();
        // "base" (not "checkpoint" as in predict) is part of the pinned stage key
        String key = inferenceStageKey(Stage.FINETUNE_BAGS, kind, config, "base", base.checkpoint(), a, false);
        return runRetrainPart(input, key, config, attempt -> {
            ValSet v = valSet(a, base.checkpoint());
            TauNormSearch.Result search = TauNormSearch.search(
                    config,
                    v.checkpoint(),
                    v.val(),
                    v.images(),
                    attempt.workDir().resolve("retrain"),
                    listener(attempt, kind, 0));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("tau", search.tau());
            details.put("tau_grid", search.grid());
            details.put("val_ap", search.valAp());
            // tau is a choice made from data: made on val, so that the test numbers reported stay held out
            details.put("selected_on", VAL);
            attempt.progress(details);
            Map<String, ArtifactRef> out = new LinkedHashMap<>(trainedOutputs(
                    attempt, kind, new TrainingOutcome(search.checkpoint(), List.of(), 0, 0, search.seconds())));
            Path note = attempt.workDir().resolve("tau-" + kind + ".json");
            Files.writeString(note, search.toJson());
            out.put("tau/" + kind, attempt.upload(note, "application/json"));
            return out;
        });
    }

    /** Runs one part of FINETUNE_BAGS (its kind) and records its output as a generation-1 child of the base. */
    private StageResult runRetrainPart(StageInput input, String key, DetectorConfig config, StageRunner.Work work) {
        String kind = input.kind();
        return runner.run(StageCall.of(input, PartKey.finetune(kind), key, work)
                .recording(outputs -> (c, attemptId) -> List.of(record(
                        c,
                        attemptId,
                        input.runId(),
                        kind,
                        1,
                        input.model().modelId(),
                        outputs,
                        input.artifacts(),
                        config))));
    }

    @Override
    public StageResult predict(StageInput input) {
        PipelineSpec spec = input.spec();
        ModelRef model = input.model();
        DetectorConfig config = DetectorConfigs.finetune(spec);
        Map<String, ArtifactRef> a = input.artifacts();
        PartKey part = PartKey.predict(model.kind());
        String key = inferenceStageKey(Stage.EVALUATE, part.part(), config, "checkpoint", model.checkpoint(), a, true);
        return runner.run(StageCall.of(input, part, key, attempt -> {
            ValSet v = valSet(a, model.checkpoint());
            LvisResults results =
                    Inference.predict(v.checkpoint(), config, v.val(), v.images(), listener(attempt, part.part(), 0));
            Path file = attempt.workDir().resolve("results-" + model.kind() + ".json");
            LvisResultsWriter.write(results, file);
            Map<String, ArtifactRef> out = new LinkedHashMap<>();
            out.put(ArtifactNames.results(model.kind()), attempt.upload(file, "application/json"));
            ArtifactRef test = a.get(TEST);
            if (test == null || test.sha256().equals(a.get(VAL).sha256())) {
                // val serves as test (no test split, or a run prepared before there were any)
                out.put(ArtifactNames.testResults(model.kind()), out.get(ArtifactNames.results(model.kind())));
                return out;
            }
            LvisResults onTest = Inference.predict(
                    v.checkpoint(),
                    config,
                    LvisDatasetReader.read(cache.file(test)),
                    v.images(),
                    listener(attempt, part.part(), 0));
            Path testFile = attempt.workDir().resolve("results-" + model.kind() + "-test.json");
            LvisResultsWriter.write(onTest, testFile);
            out.put(ArtifactNames.testResults(model.kind()), attempt.upload(testFile, "application/json"));
            return out;
        }));
    }

    /**
     * The key of a stage that runs a checkpoint on the val set (tau search, predict): the inference settings and the
     * hashes of the checkpoint (under {@code checkpointName}), val annotations and images, and with {@code withTest}
     * the test annotations when the run has them (predict runs on both; the tau search never sees test).
     */
    private static String inferenceStageKey(
            Stage stage,
            String part,
            DetectorConfig config,
            String checkpointName,
            ArtifactRef checkpoint,
            Map<String, ArtifactRef> a,
            boolean withTest) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put(checkpointName, checkpoint.sha256());
        inputs.put(VAL, a.get(VAL).sha256());
        inputs.put(IMAGES, a.get(IMAGES).sha256());
        if (withTest && a.containsKey(TEST)) {
            inputs.put(TEST, a.get(TEST).sha256());
        }
        return StageKey.of(stage.name(), part, DetectorConfigs.inferenceKey(config), inputs);
    }

    /** What a checkpoint is run on in the val set, read from the local cache. */
    private record ValSet(LvisDataset val, Path images, Path checkpoint) {}

    private ValSet valSet(Map<String, ArtifactRef> a, ArtifactRef checkpoint) {
        return new ValSet(
                LvisDatasetReader.read(cache.file(a.get(VAL))), cache.images(a.get(IMAGES)), cache.file(checkpoint));
    }

    /**
     * Reports progress to Temporal and PostgreSQL; stores every periodic checkpoint and notes it in the attempt's
     * progress before going on. The final checkpoint ({@code iteration >= total}) is the stage's output instead.
     */
    private static TrainingHooks listener(Attempt attempt, String part, int totalIterations) {
        long t0 = System.nanoTime();
        return new TrainingHooks() {
            @Override
            public void onProgress(TrainingProgress p) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("step", p.iteration());
                details.put("total", p.totalIterations());
                double loss = p.losses().values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum();
                if (!p.losses().isEmpty()) {
                    details.put("loss", loss);
                    // the same points as the stage's curve artifact, which exists only once the stage has ended
                    attempt.curvePoint(p.iteration(), loss, p.imagesPerSecond());
                }
                details.put("images_per_second", p.imagesPerSecond());
                details.put("skipped_steps", p.skippedSteps());
                double elapsed = (System.nanoTime() - t0) / 1e9;
                if (p.iteration() > 0 && p.totalIterations() > p.iteration()) {
                    details.put(
                            "eta_seconds", Math.round(elapsed / p.iteration() * (p.totalIterations() - p.iteration())));
                }
                attempt.progress(details);
            }

            @Override
            public void onCheckpoint(Path file, int iteration) {
                if (iteration >= totalIterations) {
                    return;
                }
                // a checkpoint S3 does not take soon is skipped: training goes on, the next one covers it
                attempt.uploadCheckpoint(file, iteration);
            }
        };
    }

    /**
     * The newest intact checkpoint that any earlier attempt with the same stage key uploaded, in any run (the key
     * holds the settings and the inputs' hashes), downloaded; or null to start afresh. Checkpoints that are gone or
     * turn out corrupt (recorded and removed by the download) are skipped for the next older one. The database has
     * them even when the last heartbeat of a killed worker never reached Temporal.
     */
    private Path resumeCheckpoint(Stage stage, String part, Attempt attempt) throws IOException {
        List<StorageRepository.CheckpointRecord> candidates =
                runner.storage().resumableCheckpoints(stage.name(), part, attempt.stageKey(), attempt.id());
        Path file = attempt.workDir().resolve("resume.zip");
        Files.createDirectories(file.getParent());
        for (StorageRepository.CheckpointRecord k : candidates) {
            if (!runner.store().exists(k.sha256())) {
                continue;
            }
            try {
                attempt.download(new ArtifactRef(k.sha256(), k.sizeBytes(), "application/zip"), file);
            } catch (CorruptArtifactException corrupt) {
                continue;
            }
            attempt.resumedFrom(k.iteration());
            return file;
        }
        return null;
    }

    /** The last state of a finished training: every step done, the final loss. */
    private static void finished(Attempt attempt, int total, TrainingOutcome result) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("step", total);
        details.put("total", total);
        if (!result.lossCurve().isEmpty()) {
            details.put(
                    "loss",
                    result.lossCurve().get(result.lossCurve().size() - 1).total());
        }
        attempt.progress(details);
    }

    private static Map<String, ArtifactRef> trainedOutputs(Attempt attempt, String kind, TrainingOutcome result)
            throws IOException {
        Map<String, ArtifactRef> out = new LinkedHashMap<>();
        out.put(ArtifactNames.checkpoint(kind), attempt.upload(result.checkpoint(), "application/zip"));
        Path curve = attempt.workDir().resolve("curve-" + kind + ".json");
        TrainingCurve doc = new TrainingCurve(
                kind,
                result.skippedSteps(),
                result.imagesPerSecond(),
                result.lossCurve().stream()
                        .map(p -> new TrainingCurve.Point(p.iteration(), new TreeMap<>(p.losses()), p.total()))
                        .toList());
        Files.writeString(curve, PipelineSpecs.toJson(doc));
        out.put(ArtifactNames.curve(kind), attempt.upload(curve, "application/json"));
        return out;
    }

    private static ModelRef record(
            Connection c,
            long attemptId,
            String runId,
            String kind,
            int generation,
            String parent,
            Map<String, ArtifactRef> outputs,
            Map<String, ArtifactRef> inputs,
            DetectorConfig config)
            throws SQLException {
        ArtifactRef checkpoint = outputs.get(ArtifactNames.checkpoint(kind));
        ModelRecord m = new ModelRecord(
                ModelIds.of(runId, kind),
                runId,
                generation,
                kind,
                parent,
                checkpoint.sha256(),
                inputs.get(MANIFEST).sha256(),
                inputs.get(GROUPS).sha256(),
                config.toJson(),
                CodeVersion.get(),
                attemptId,
                null);
        LineageRepository.insertModel(c, m);
        // a training made again (its earlier checkpoint was corrupt) may give other bytes: the run's model follows
        LineageRepository.remakeModel(c, m);
        return new ModelRef(m.id(), kind, generation, parent, checkpoint);
    }
}

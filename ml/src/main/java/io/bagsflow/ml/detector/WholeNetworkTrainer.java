package io.bagsflow.ml.detector;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.FocalSoftmaxClassifier;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.model.ModelKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The BAGS paper's "all" rows, which train every weight of the detector: {@code x2} and {@code rfs_all} train from
 * scratch as base training does (the base's config, seed and initialisation; x2 for twice the iterations, its
 * decay points at the same fractions), {@code finetune_tail}, {@code rfs_finetune}, {@code reweight} and {@code
 * focal} start from the base detector's weights, classifier included (the paper fine-tunes the trained model; the
 * {@code init} policy of classifier retraining does not apply), and run the base's own schedule again (iterations,
 * batch, learning rate, warm-up and decay), as an mmdetection {@code load_from} with the base config would. Each
 * costs about one base training. The loop is base training's ({@link BaseTrainer}): BatchNorm statistics update,
 * non-finite steps are skipped; only the images drawn and the classifier's loss differ. The checkpoint is a plain
 * softmax detector.
 */
public final class WholeNetworkTrainer {

    private WholeNetworkTrainer() {}

    /** The steps {@link #train} runs from this base checkpoint: the base's iterations, twice them for x2. */
    public static int iterations(ModelKind method, Path baseCheckpoint) {
        return iterations(method, Checkpoint.readState(baseCheckpoint).config());
    }

    private static int iterations(ModelKind method, DetectorConfig baseConfig) {
        return method == ModelKind.X2 ? 2 * baseConfig.iterations() : baseConfig.iterations();
    }

    /**
     * @param settings runtime and retraining settings (device, threads, intervals, {@code rfsThreshold}); the model
     *                 and its schedule are the base checkpoint's
     * @return the checkpoint {@code workDir/retrain-<kind>-final.zip}
     */
    public static TrainingOutcome train(
            ModelKind method,
            DetectorConfig settings,
            Path baseCheckpoint,
            LvisDataset train,
            Path imagesDir,
            Path workDir,
            TrainingHooks listener) {
        if (method.scope() == ModelKind.Scope.CLASSIFIER) {
            throw new IllegalArgumentException(method.kind() + " trains the classifier only: use ClassifierRetrainer");
        }
        long started = System.nanoTime();
        TrainingHooks hooks = TrainingHooks.orNone(listener);
        Checkpoint.State baseState = Checkpoint.readState(baseCheckpoint);
        if (!baseState
                .classifier()
                .equals(io.bagsflow.ml.detector.model.ClassifierLayout.softmax(
                        baseState.categoryIds().size()))) {
            throw new IllegalArgumentException(baseCheckpoint + ": " + method.kind() + " starts from a base checkpoint "
                    + "with a plain softmax classifier, this one has "
                    + baseState.classifier().kind());
        }
        DetectorConfig config = baseState.config().withRuntimeFrom(settings);
        config = config.with("iterations", iterations(method, config));
        try (NDManager root = DetectorRuntime.manager(config)) {
            List<Integer> categoryIds = ImageStore.categoryIds(train);
            if (!categoryIds.equals(baseState.categoryIds())) {
                throw new IllegalArgumentException(baseCheckpoint + ": its categories differ from the training set's");
            }
            Detector detector;
            if (method.scope() == ModelKind.Scope.FROM_SCRATCH) {
                detector = Detector.create(config, categoryIds, root);
            } else {
                Checkpoint.Loaded base = Checkpoint.read(baseCheckpoint, root);
                detector = Detector.of(config, categoryIds, base.detector().params(), baseState.classifier());
            }
            try (detector) {
                swapLoss(detector, method, train);
                ImageStore images = ImageStore.load(train, imagesDir, config.imageSize(), categoryIds);
                BaseTrainer.Loop loop = new BaseTrainer.Loop(
                        method.stage(),
                        MethodSampling.sampler(method, config, images, train),
                        config,
                        detector,
                        images,
                        workDir,
                        hooks,
                        new ArrayList<>(),
                        0);
                Path last = loop.run(root, 0);
                return new TrainingOutcome(
                        last,
                        loop.curve(),
                        loop.skipped(),
                        loop.imagesPerSecond(),
                        (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** The classifier whose loss the method trains with, keeping the current {@code cls.*} values. */
    private static void swapLoss(Detector d, ModelKind method, LvisDataset train) {
        Classifier loss = switch (method) {
            case REWEIGHT -> ReweightedClassifier.of(d, train);
            case FOCAL -> new FocalSoftmaxClassifier(d.numClasses(), FocalSoftmaxClassifier.GAMMA);
            default -> null;
        };
        if (loss == null) {
            return;
        }
        Parameters p = d.params();
        Shape wShape = p.get(Classifier.WEIGHT).getShape();
        Shape bShape = p.get(Classifier.BIAS).getShape();
        float[] w = p.get(Classifier.WEIGHT).toFloatArray();
        float[] b = p.get(Classifier.BIAS).toFloatArray();
        d.replaceClassifier(loss);
        p.add(Classifier.WEIGHT, w, wShape, false);
        p.add(Classifier.BIAS, b, bShape, false);
    }
}

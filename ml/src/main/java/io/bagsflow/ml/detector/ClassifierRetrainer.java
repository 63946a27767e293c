package io.bagsflow.ml.detector;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.detector.data.ImageBatch;
import io.bagsflow.ml.detector.data.ImageSampler;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.BalancedSoftmaxClassifier;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.Eqlv2Classifier;
import io.bagsflow.ml.detector.model.FocalSoftmaxClassifier;
import io.bagsflow.ml.detector.model.GroupSoftmaxHead;
import io.bagsflow.ml.detector.model.LwsClassifier;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.model.SeesawClassifier;
import io.bagsflow.ml.detector.model.SoftmaxClassifier;
import io.bagsflow.ml.detector.train.LearningRate;
import io.bagsflow.ml.detector.train.LossNormalisation;
import io.bagsflow.ml.detector.train.Rng;
import io.bagsflow.ml.detector.train.Sgd;
import io.bagsflow.ml.detector.train.TwoStageForward;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.model.ModelKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classifier-only retraining of a base detector ("cls-only"): the classifier is replaced and trained while
 * every other weight, BatchNorm statistics included, stays bit-identical to the base (BatchNorm runs in
 * inference mode, nothing else has gradients). With {@code trainHead} the box head's fc layers and box
 * regression train too (with the box loss), as the paper's "whole head" ablation.
 *
 * <p>Every retrained classifier starts as {@code init} says, one policy for all kinds: {@code random} (the
 * official BAGS recipe and Kang et al.'s cRT) or {@code from_base} (LWS always keeps the base classifier). Steps and learning rates follow {@link RetrainSchedule}; each step's loss is normalised as
 * {@code lossNormalisation} says ({@link LossNormalisation}). By default the classifier trains on cached RoI
 * features ({@code retrainFromCache}); otherwise, and always with {@code trainHead} (the cache holds post-fc
 * features, which the head changes), each step runs the frozen network on fresh images. The output checkpoint
 * carries its classifier layout, so inference needs no method.
 */
public final class ClassifierRetrainer {

    private static final long STEP_STREAM = 0x2E7A;
    private static final long INIT_STREAM = 0x1A17;

    private ClassifierRetrainer() {}

    /**
     * @param config     retraining, runtime and inference settings ({@code retrain*}, {@code othersSampleRatio},
     *                   {@code rfsThreshold}, {@code init}, {@code schedule}, ..., device, seed); the model itself
     *                   comes from the base checkpoint (also the iterations and batch size the official schedule
     *                   reads)
     * @param groups     the BAGS grouping (required for {@link ModelKind#BAGS}, ignored otherwise)
     * @return the checkpoint {@code workDir/retrain-<method>-final.zip}
     */
    public static TrainingOutcome retrain(
            ModelKind method,
            DetectorConfig config,
            Path baseCheckpoint,
            BagsGroups groups,
            LvisDataset train,
            Path imagesDir,
            Path workDir,
            TrainingHooks listener) {
        if (method == ModelKind.NCM_FC || method == ModelKind.NCM_CONV) {
            TrainingOutcome ncm = NearestClassMean.build(method, config, baseCheckpoint, train, imagesDir, workDir);
            TrainingHooks.orNone(listener).onCheckpoint(ncm.checkpoint(), 0);
            return ncm;
        }
        if (!method.retrains()) {
            throw new IllegalArgumentException(method.kind() + " does not retrain the classifier: use TauNormSearch");
        }
        if (method.scope() != ModelKind.Scope.CLASSIFIER) {
            throw new IllegalArgumentException(method.kind() + " trains the whole network: use WholeNetworkTrainer");
        }
        long started = System.nanoTime();
        TrainingHooks hooks = TrainingHooks.orNone(listener);
        Checkpoint.State baseState = Checkpoint.readState(baseCheckpoint);
        if (baseState.classifier().grouped()) {
            throw new IllegalArgumentException(baseCheckpoint + ": has a grouped classifier; retraining starts from "
                    + "a base checkpoint with a plain softmax classifier");
        }
        if (baseState.classifier().readsPooledMean()) {
            throw new IllegalArgumentException(baseCheckpoint + ": its classifier reads the pooled conv features "
                    + "(NCM-conv); retraining starts from a base checkpoint whose classifier reads the fc features");
        }
        // the model is the base's; retraining, runtime and the seed of its random choices are the caller's
        DetectorConfig effective = baseState.config().withRuntimeFrom(config).with("seed", config.seed());
        try (NDManager root = DetectorRuntime.manager(effective);
                Checkpoint.Loaded base = Checkpoint.read(baseCheckpoint, root)) {
            Detector detector = base.detector();
            if (!ImageStore.categoryIds(train).equals(detector.categoryIds())) {
                throw new IllegalArgumentException(baseCheckpoint + ": its categories differ from the training set's");
            }
            Detector retrained =
                    Detector.of(effective, detector.categoryIds(), detector.params(), baseState.classifier());
            Classifier next = replaceClassifier(retrained, method, groups, effective, baseCheckpoint, train);
            ImageStore images = ImageStore.load(train, imagesDir, effective.imageSize(), detector.categoryIds());
            ImageSampler sampler = MethodSampling.sampler(method, effective, images, train);
            Run run = new Run(method, effective, retrained, next, images, sampler, hooks);
            run.train(root);
            if (next instanceof LwsClassifier) {
                // the checkpoint is a plain softmax: the learned scales go into its rows
                LwsClassifier.fold(retrained.params());
            }
            Path out = workDir.resolve(method.stage() + "-final.zip");
            int iterations = RetrainSchedule.of(effective).iterations();
            Checkpoint.write(
                    out,
                    new Checkpoint.State(
                            Checkpoint.FORMAT,
                            method.stage(),
                            iterations,
                            iterations,
                            detector.categoryIds(),
                            next.layout(),
                            run.skipped,
                            run.curve,
                            effective),
                    retrained.params(),
                    null);
            hooks.onCheckpoint(out, iterations);
            return new TrainingOutcome(
                    out, run.curve, run.skipped, run.imagesPerSecond(), (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * Swaps in the method's classifier. Its weights start as {@code init} says, one policy for every kind:
     * {@code random}, N(0, 0.01) weights and zero bias from the run's seed (the official BAGS recipe, where mmcv
     * cannot load the base's classifier into the resized layer, and cRT as Kang et al.'s code re-initialises it);
     * {@code from_base}, the base classifier's rows mapped onto the new layout. LWS keeps the base classifier by
     * definition and adds its scales.
     */
    private static Classifier replaceClassifier(
            Detector d,
            ModelKind method,
            BagsGroups groups,
            DetectorConfig config,
            Path baseCheckpoint,
            LvisDataset train) {
        Parameters p = d.params();
        float[] w = p.get(Classifier.WEIGHT).toFloatArray();
        float[] b = p.get(Classifier.BIAS).toFloatArray();
        int dim = config.fcDim();
        int c = d.numClasses();
        boolean random = config.init() == ClassifierInit.RANDOM;
        Rng initRng = Rng.of(config.seed(), INIT_STREAM);
        Classifier next;
        float[][] init;
        switch (method) {
            case BAGS -> {
                if (groups == null) {
                    throw new IllegalArgumentException("BAGS retraining needs the BAGS groups");
                }
                if (!Arrays.equals(
                        groups.categoryIds(),
                        d.categoryIds().stream().mapToInt(Integer::intValue).toArray())) {
                    throw new IllegalArgumentException("BAGS groups are for other categories than " + baseCheckpoint);
                }
                ClassifierLayout layout = ClassifierLayout.groupSoftmax(c, groups.predSlice(), groups.label2binlabel());
                float[][] binWeights = config.groupLossWeights() == GroupLossWeights.INVERSE_COUNT
                        ? GroupSoftmaxHead.inverseCountWeights(layout, instanceCounts(train))
                        : null;
                GroupSoftmaxHead head = new GroupSoftmaxHead(layout, config.othersSampleRatio(), binWeights);
                init = random ? head.initRandom(initRng, dim) : head.initFromSoftmax(w, b, dim);
                next = head;
            }
            case LWS -> {
                next = new LwsClassifier(c);
                init = new float[][] {w, b};
            }
            case SEESAW -> {
                next = new SeesawClassifier(c);
                init = random ? randomInit(initRng, next, dim) : objectnessFromSoftmax(w, b, c, dim);
            }
            default -> {
                next = switch (method) {
                    case REWEIGHT_CLS -> ReweightedClassifier.of(d, train);
                    case FOCAL_CLS -> new FocalSoftmaxClassifier(c, FocalSoftmaxClassifier.GAMMA);
                    case BALANCED_SOFTMAX -> new BalancedSoftmaxClassifier(instanceCounts(train));
                    case EQLV2 -> new Eqlv2Classifier(c);
                    default -> new SoftmaxClassifier(c);
                };
                // every other layout has the base's C+1 rows, background first
                init = random ? randomInit(initRng, next, dim) : new float[][] {w, b};
            }
        }
        d.replaceClassifier(next);
        int k = next.layout().logits();
        p.add(Classifier.WEIGHT, init[0], new Shape(k, dim), false);
        p.add(Classifier.BIAS, init[1], new Shape(k), false);
        if (next instanceof LwsClassifier lws) {
            lws.defineScales(p);
        }
        return next;
    }

    private static int[] instanceCounts(LvisDataset train) {
        return CategoryStatistics.compute(train, "train").instanceCounts(CountSource.ANNOTATIONS);
    }

    /** N(0, 0.01) weights and zero bias, the reference init of {@link Classifier#define}. */
    private static float[][] randomInit(Rng rng, Classifier next, int dim) {
        return Classifier.randomInit(rng, next.layout().logits(), dim);
    }

    /**
     * The objectness layout from a plain softmax: background row copied, foreground row the mean of the class
     * rows (as BAGS's {@code from_base} makes its foreground row), class rows copied.
     */
    static float[][] objectnessFromSoftmax(float[] w, float[] b, int c, int dim) {
        float[] ow = new float[(c + 2) * dim];
        float[] ob = new float[c + 2];
        System.arraycopy(w, 0, ow, 0, dim);
        ob[0] = b[0];
        for (int l = 1; l <= c; l++) {
            for (int k = 0; k < dim; k++) {
                ow[dim + k] += w[l * dim + k] / c;
            }
            ob[1] += b[l] / c;
        }
        System.arraycopy(w, dim, ow, 2 * dim, c * dim);
        System.arraycopy(b, 1, ob, 2, c);
        return new float[][] {ow, ob};
    }

    /** The training loop over classifier parameters only. */
    private static final class Run {
        private final ModelKind method;
        private final DetectorConfig config;
        private final Detector detector;
        private final Classifier classifier;
        private final ImageStore images;
        private final ImageSampler sampler;
        private final TrainingHooks hooks;
        private final List<LossPoint> curve = new ArrayList<>();
        private int skipped;
        private long stepNanos;
        private long stepImages;

        Run(
                ModelKind method,
                DetectorConfig config,
                Detector detector,
                Classifier classifier,
                ImageStore images,
                ImageSampler sampler,
                TrainingHooks hooks) {
            this.method = method;
            this.config = config;
            this.detector = detector;
            this.classifier = classifier;
            this.images = images;
            this.sampler = sampler;
            this.hooks = hooks;
        }

        double imagesPerSecond() {
            return stepNanos == 0 ? 0 : stepImages / (stepNanos / 1e9);
        }

        void train(NDManager root) {
            Parameters p = detector.params();
            boolean head = config.trainHead();
            Sgd sgd = new Sgd(
                    p,
                    p.trainable(classifier.trainableParameters().or(n -> head && n.startsWith("head."))),
                    config.momentum(),
                    config.weightDecay(),
                    config.gradClipNorm());
            RetrainSchedule schedule = RetrainSchedule.of(config);
            int total = schedule.iterations();
            LearningRate lr = schedule.learningRates();
            TwoStageForward forward = new TwoStageForward(detector);
            // the cache holds the head's output, which a trained head changes: trainHead runs the full path
            FeatureCache cache =
                    config.retrainFromCache() && !head ? FeatureCache.build(root, forward, images, config) : null;
            try {
                LossMeter meter = new LossMeter();
                long intervalStart = System.nanoTime();
                int intervalImages = 0;
                int perStep = config.retrainImagesPerBatch();
                for (int it = 0; it < total; it++) {
                    long t0 = System.nanoTime();
                    Map<String, Double> losses = step(root, it, forward, cache, sgd, lr.at(it));
                    stepNanos += System.nanoTime() - t0;
                    stepImages += perStep;
                    intervalImages += perStep;
                    if (losses != null) {
                        meter.add(losses);
                    }
                    int done = it + 1;
                    if (done % config.progressInterval() == 0 || done == total) {
                        Map<String, Double> means = meter.meansAndReset();
                        if (!means.isEmpty()) {
                            curve.add(new LossPoint(done, means));
                        }
                        double seconds = (System.nanoTime() - intervalStart) / 1e9;
                        hooks.onProgress(new TrainingProgress(
                                method.stage(), done, total, means, intervalImages / seconds, lr.at(it), skipped));
                        intervalStart = System.nanoTime();
                        intervalImages = 0;
                    }
                }
            } finally {
                if (cache != null) {
                    cache.close();
                }
            }
        }

        /** One step; its losses by name, or null when it was skipped as non-finite. */
        private Map<String, Double> step(
                NDManager root, int it, TwoStageForward forward, FeatureCache cache, Sgd sgd, double lr) {
            Rng rng = Rng.of(config.seed(), STEP_STREAM, it);
            int[] picked = sampler.batch(it, config.retrainImagesPerBatch());
            Parameters p = detector.params();
            LossNormalisation normalisation = config.lossNormalisation();
            double value;
            Map<String, Double> parts = new LinkedHashMap<>();
            try (NDManager step = root.newSubManager()) {
                NDArray features = null;
                NDArray pooled = null;
                TwoStageForward.Rois rois = null;
                int[] labels;
                boolean[] valid;
                int[] imageOfRoi;
                if (cache != null) {
                    FeatureCache.Draw draw = cache.draw(picked, rng);
                    features = cache.features(step, draw.rows());
                    labels = draw.labels();
                    valid = new boolean[labels.length];
                    Arrays.fill(valid, true);
                    imageOfRoi = draw.imageOfRoi();
                } else {
                    boolean[] flips = new boolean[picked.length];
                    for (int k = 0; k < flips.length; k++) {
                        flips[k] = config.retrainFlip() && rng.nextBoolean();
                    }
                    ImageBatch batch = ImageBatch.of(images, picked, flips);
                    if (config.trainHead()) {
                        TwoStageForward.Pooled sampled = forward.frozenPooledRois(step, batch, rng);
                        pooled = sampled.pooled();
                        rois = sampled.rois();
                    } else {
                        TwoStageForward.Sampled sampled = forward.frozenRoiFeatures(step, batch, rng);
                        features = sampled.features();
                        rois = sampled.rois();
                    }
                    labels = rois.labels();
                    valid = rois.valid();
                    imageOfRoi = new int[labels.length];
                    for (int i = 0; i < imageOfRoi.length; i++) {
                        imageOfRoi[i] = i / rois.perImage();
                    }
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    if (pooled != null) {
                        features = detector.head().features(p, pooled);
                    }
                    NDArray logits = classifier.logits(p, features);
                    float[] targets = normalisation.targets(
                            classifier, labels, valid, imageOfRoi, picked.length, config.shardSize(), rng);
                    NDArray loss = classifier.loss(step, logits, targets);
                    parts.put("cls", (double) loss.getFloat());
                    if (pooled != null) {
                        NDArray box = forward.boxLoss(step, detector.head().deltas(p, features), rois);
                        parts.put("box", (double) box.getFloat());
                        loss = loss.add(box);
                    }
                    value = loss.getFloat();
                    if (Double.isFinite(value)) {
                        gc.backward(loss);
                    }
                }
                double norm = Double.isFinite(value) ? sgd.gradientNorm() : Double.NaN;
                if (Double.isFinite(norm)) {
                    sgd.step(lr, norm);
                    return parts;
                }
            }
            sgd.zeroGradients();
            skipped++;
            if (skipped > config.maxNonFiniteSteps()) {
                throw new NonFiniteTrainingException(method.stage() + ": " + skipped + " steps had a non-finite loss "
                        + "or gradient (limit maxNonFiniteSteps = " + config.maxNonFiniteSteps() + "), the last at "
                        + "iteration " + it + ". Lower retrainLearningRate.");
            }
            return null;
        }
    }
}

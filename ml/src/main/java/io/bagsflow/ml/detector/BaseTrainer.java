package io.bagsflow.ml.detector;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.bagsflow.ml.detector.data.ImageBatch;
import io.bagsflow.ml.detector.data.ImageSampler;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.train.LearningRate;
import io.bagsflow.ml.detector.train.Rng;
import io.bagsflow.ml.detector.train.Sgd;
import io.bagsflow.ml.detector.train.TwoStageForward;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.mask.Segmentation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains the base detector (generation 0): every weight, plain softmax classifier. Checkpoints every
 * {@code checkpointInterval} iterations into {@code workDir}; a run resumed from one of them ends with the same
 * weights as an uninterrupted run. A step whose loss or gradient is not finite is skipped with BatchNorm
 * statistics restored; more than {@code maxNonFiniteSteps} such steps fail the run.
 */
public final class BaseTrainer {

    static final String STAGE = "base";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BaseTrainer.class);
    private static final long STEP_STREAM = 0x57E9;

    private BaseTrainer() {}

    /**
     * @param resumeCheckpoint a checkpoint of an earlier attempt of this run, or null to start anew; a final
     *                         one is returned as it is (copied into {@code workDir})
     * @param listener         progress and checkpoint hooks; an exception thrown there stops training
     * @return the final checkpoint {@code workDir/base-final.zip} and the loss curve
     */
    public static TrainingOutcome train(
            DetectorConfig config,
            LvisDataset train,
            Path imagesDir,
            Path workDir,
            Path resumeCheckpoint,
            TrainingHooks listener) {
        long started = System.nanoTime();
        TrainingHooks hooks = TrainingHooks.orNone(listener);
        if (config.masks()) {
            requirePolygons(train);
        }
        try (NDManager root = DetectorRuntime.manager(config)) {
            List<Integer> categoryIds = ImageStore.categoryIds(train);
            Detector detector;
            int start;
            List<LossPoint> curve = new ArrayList<>();
            int skipped;
            Checkpoint.Loaded resumed = null;
            if (resumeCheckpoint != null) {
                resumed = Checkpoint.read(resumeCheckpoint, root);
                checkResumable(resumed.state(), config, categoryIds, resumeCheckpoint);
                detector = resumed.detector();
                start = resumed.state().iteration();
                curve.addAll(resumed.state().lossCurve());
                skipped = resumed.state().skippedSteps();
            } else {
                detector = Detector.create(config, categoryIds, root);
                start = 0;
                skipped = 0;
            }
            try (detector) {
                ImageStore images = ImageStore.load(train, imagesDir, config.imageSize(), categoryIds);
                if (images.count() == 0) {
                    throw new IllegalArgumentException("training set has no images");
                }
                Loop loop = new Loop(
                        STAGE,
                        ImageSampler.epochs(images.count(), config.seed()),
                        config,
                        detector,
                        images,
                        workDir,
                        hooks,
                        curve,
                        skipped);
                if (resumed != null && start < config.iterations()) {
                    resumed.restoreOptimizer(loop.sgd, resumeCheckpoint);
                }
                Path last = loop.run(root, start);
                return new TrainingOutcome(
                        last, loop.curve, loop.skipped, loop.imagesPerSecond(), (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** A mask head learns from polygons: a dataset read without them, or an annotation lacking one, is refused. */
    private static void requirePolygons(LvisDataset train) {
        for (LvisAnnotation a : train.annotations()) {
            if (!(a.segmentation() instanceof Segmentation.Polygons p)
                    || p.parts().isEmpty()) {
                throw new IllegalArgumentException("masks: true needs a polygon segmentation on every training "
                        + "annotation; annotation " + a.id() + " (image " + a.imageId() + ") has none (or an RLE one)");
            }
        }
    }

    private static void checkResumable(
            Checkpoint.State state, DetectorConfig config, List<Integer> categoryIds, Path file) {
        if (!STAGE.equals(state.stage())) {
            throw new IllegalArgumentException(
                    file + ": a '" + state.stage() + "' checkpoint cannot resume base training");
        }
        if (!state.categoryIds().equals(categoryIds)) {
            throw new IllegalArgumentException(file + ": categories differ from the training set's");
        }
        List<String> diff = state.config().differencesAffectingTraining(config);
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException(file + ": config differs from the checkpoint's in " + diff);
        }
    }

    /**
     * The iteration loop with its bookkeeping; also runs the whole-network generations ({@link
     * WholeNetworkTrainer}) under their own stage name and image sampler.
     */
    static final class Loop {
        private final String stage;
        private final DetectorConfig config;
        private final Detector detector;
        private final Sgd sgd;
        private final ImageStore images;
        private final Path workDir;
        private final TrainingHooks hooks;
        private final List<LossPoint> curve;
        private int skipped;
        private final TwoStageForward forward;
        private final ImageSampler sampler;
        private final LearningRate lr;
        private final List<String> bnBuffers;
        private long stepNanos;
        private long stepImages;

        Loop(
                String stage,
                ImageSampler sampler,
                DetectorConfig config,
                Detector detector,
                ImageStore images,
                Path workDir,
                TrainingHooks hooks,
                List<LossPoint> curve,
                int skipped) {
            this.stage = stage;
            this.config = config;
            this.detector = detector;
            // every weight trains; a resumed run restores this optimizer's state before run()
            this.sgd = allWeights(detector.params(), config);
            this.images = images;
            this.workDir = workDir;
            this.hooks = hooks;
            this.curve = curve;
            this.skipped = skipped;
            this.forward = new TwoStageForward(detector);
            this.sampler = sampler;
            this.lr = new LearningRate(
                    config.learningRate(),
                    config.warmupIterations(),
                    config.warmupRatio(),
                    config.lrSteps(),
                    config.lrGamma(),
                    config.iterations());
            this.bnBuffers = detector.params().buffers();
        }

        double imagesPerSecond() {
            return stepNanos == 0 ? 0 : stepImages / (stepNanos / 1e9);
        }

        List<LossPoint> curve() {
            return curve;
        }

        int skipped() {
            return skipped;
        }

        /**
         * Steps of a run left out of its speed: the first ones are slower (JIT compilation, the allocator and
         * the engine's thread pool warming up), 10 % of the run and at most 20 steps.
         */
        static int warmupSteps(int steps) {
            return Math.min(20, steps / 10);
        }

        Path run(NDManager root, int start) {
            int total = config.iterations();
            LossMeter meter = new LossMeter();
            long intervalStart = System.nanoTime();
            int intervalImages = 0;
            Path previous = null;
            for (int it = start; it < total; it++) {
                long t0 = System.nanoTime();
                Map<String, Double> losses = step(root, it);
                long dt = System.nanoTime() - t0;
                if (it - start >= warmupSteps(total - start)) {
                    stepNanos += dt;
                    stepImages += config.batchSize();
                }
                intervalImages += config.batchSize();
                if (losses != null) {
                    meter.add(losses);
                }
                int done = it + 1;
                if (done % config.progressInterval() == 0 || done == total) {
                    double seconds = (System.nanoTime() - intervalStart) / 1e9;
                    Map<String, Double> means = meter.meansAndReset();
                    if (!means.isEmpty()) {
                        curve.add(new LossPoint(done, means));
                    }
                    hooks.onProgress(new TrainingProgress(
                            stage, done, total, means, intervalImages / seconds, lr.at(it), skipped));
                    intervalStart = System.nanoTime();
                    intervalImages = 0;
                }
                if (config.checkpointInterval() > 0 && done % config.checkpointInterval() == 0 && done < total) {
                    Path file = workDir.resolve(String.format("%s-%06d.zip", stage, done));
                    Checkpoint.write(file, state(done), detector.params(), sgd);
                    hooks.onCheckpoint(file, done);
                    deleteQuietly(previous);
                    previous = file;
                }
            }
            Path last = workDir.resolve(stage + "-final.zip");
            Checkpoint.write(last, state(total), detector.params(), null);
            hooks.onCheckpoint(last, total);
            deleteQuietly(previous);
            return last;
        }

        /** One step; null when it was skipped for a non-finite loss or gradient. */
        private Map<String, Double> step(NDManager root, int it) {
            Rng rng = Rng.of(config.seed(), STEP_STREAM, it);
            int[] indices = sampler.batch(it, config.batchSize());
            boolean[] flips = new boolean[indices.length];
            for (int k = 0; k < flips.length; k++) {
                flips[k] = config.flip() && rng.nextBoolean();
            }
            ImageBatch batch = ImageBatch.of(images, indices, flips);
            Parameters params = detector.params();
            Map<String, float[]> bn = params.snapshot(bnBuffers);
            Map<String, Double> values = new java.util.LinkedHashMap<>();
            boolean finite = false;
            try (NDManager step = root.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    TwoStageForward.BaseLosses losses = forward.baseLosses(step, batch, rng);
                    finite = true;
                    for (Map.Entry<String, NDArray> e : losses.parts().entrySet()) {
                        double v = e.getValue().getFloat();
                        values.put(e.getKey(), v);
                        finite &= Double.isFinite(v);
                    }
                    if (finite) {
                        gc.backward(losses.total());
                    }
                }
                double norm = finite ? sgd.gradientNorm() : Double.NaN;
                if (finite && Double.isFinite(norm)) {
                    sgd.step(lr.at(it), norm);
                    return values;
                }
            }
            sgd.zeroGradients();
            params.restore(bn);
            skipped++;
            LOG.warn(
                    "{} training: step {} skipped, losses {}{}",
                    stage,
                    it,
                    values,
                    finite ? ", non-finite gradients of " + sgd.nonFiniteGradients() : "");
            if (skipped > config.maxNonFiniteSteps()) {
                throw new NonFiniteTrainingException(stage + " training: " + skipped + " steps had a non-finite "
                        + "loss or gradient (limit maxNonFiniteSteps = " + config.maxNonFiniteSteps()
                        + "); the last at "
                        + "iteration " + it + " with losses " + values + ". Lower learningRate or raise "
                        + "warmupIterations.");
            }
            return null;
        }

        private Checkpoint.State state(int iteration) {
            return new Checkpoint.State(
                    Checkpoint.FORMAT,
                    stage,
                    iteration,
                    config.iterations(),
                    detector.categoryIds(),
                    ClassifierLayout.softmax(detector.numClasses()),
                    skipped,
                    curve,
                    config);
        }
    }

    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stale periodic checkpoint only costs disk space
            }
        }
    }

    /** SGD over every weight of the detector, with the config's momentum, weight decay and gradient clip. */
    static Sgd allWeights(Parameters params, DetectorConfig config) {
        return new Sgd(
                params, params.trainable(n -> true), config.momentum(), config.weightDecay(), config.gradClipNorm());
    }
}

package io.bagsflow.ml.detector;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.train.TwoStageForward;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.model.ModelKind;
import java.nio.file.Path;
import java.util.List;

/**
 * The BAGS paper's NCM baselines (rows 10 and 11; nearest class mean as in Kang et al.'s decoupling paper,
 * facebookresearch/classifier-balancing): no training; each class, background included, is represented by the mean
 * of a RoI feature over its training RoIs, and a RoI is scored by its distance to the means. Scores need
 * probabilities, so the means form the NCM classifier of Mensink et al. ("Distance-Based Image Classification",
 * TPAMI 2013): {@code p(c | x) ~ exp(-||x - mu_c||^2 / 2)}, which is exactly a linear softmax layer with
 * {@code w_c = mu_c} and {@code b_c = -||mu_c||^2 / 2} (the {@code ||x||^2} term is the same for every class and
 * cancels). The checkpoint is therefore a plain softmax detector. The RoIs are those the classifier-only retraining
 * caches: every positive candidate of every training image and {@code cacheNegatives} background candidates per
 * image (one variant, as {@code cacheVariants} says). A class without a training RoI gets a bias of
 * {@value #ABSENT_BIAS} and is never chosen.
 *
 * <p>The two rows differ in the feature. NCM-fc ({@link ModelKind#NCM_FC}) takes the box head's fc features, the
 * classifier's usual input, so its checkpoint is an ordinary softmax detector. NCM-conv ({@link ModelKind#NCM_CONV})
 * takes the RoI-pooled conv features (the box head's input) averaged over the pooled grid, one value per backbone
 * channel: Kang et al.'s NCM uses the backbone's globally average-pooled feature, and the average keeps the class
 * means C-dimensional (flattened, the {@code roiSize}^2 x C grid would make each mean position-sensitive, blurring
 * RoIs of one class that are aligned differently, and the classifier {@code roiSize}^2 times larger). Its checkpoint
 * records that input in the classifier layout ({@link ClassifierLayout#POOLED_MEAN}), and inference then scores
 * classes from the pooled features while the fc path still regresses the boxes.
 */
final class NearestClassMean {

    static final float ABSENT_BIAS = -1e4f;

    private NearestClassMean() {}

    /**
     * The NCM model of {@code method} ({@link ModelKind#NCM_FC} or {@link ModelKind#NCM_CONV}) from a base checkpoint
     * with a plain softmax over the fc features: {@code workDir/retrain-<method>-final.zip}.
     */
    static TrainingOutcome build(
            ModelKind method,
            DetectorConfig settings,
            Path baseCheckpoint,
            LvisDataset train,
            Path imagesDir,
            Path workDir) {
        if (method != ModelKind.NCM_FC && method != ModelKind.NCM_CONV) {
            throw new IllegalArgumentException(method.kind() + " is not a nearest-class-mean kind");
        }
        long started = System.nanoTime();
        Checkpoint.State baseState = Checkpoint.readState(baseCheckpoint);
        int c = baseState.categoryIds().size();
        if (!baseState.classifier().plainSoftmax() || baseState.classifier().numClasses() != c) {
            throw new IllegalArgumentException(baseCheckpoint + ": " + method.kind() + " starts from a base checkpoint "
                    + "with a plain softmax over the fc features, this one has a "
                    + baseState.classifier().describe() + " classifier");
        }
        ClassifierLayout layout =
                method == ModelKind.NCM_CONV ? ClassifierLayout.pooledMeanSoftmax(c) : ClassifierLayout.softmax(c);
        DetectorConfig config = baseState.config().withRuntimeFrom(settings).with("seed", settings.seed());
        try (NDManager root = DetectorRuntime.manager(config);
                Checkpoint.Loaded base = Checkpoint.read(baseCheckpoint, root)) {
            // the layout decides which feature the cache holds: fc features, or the grid-averaged pooled ones
            Detector d = Detector.of(
                    config, base.detector().categoryIds(), base.detector().params(), layout);
            if (!ImageStore.categoryIds(train).equals(d.categoryIds())) {
                throw new IllegalArgumentException(baseCheckpoint + ": its categories differ from the training set's");
            }
            ImageStore images = ImageStore.load(train, imagesDir, config.imageSize(), d.categoryIds());
            int[] counts = new int[c + 1];
            double[] means;
            int dim;
            try (FeatureCache cache = FeatureCache.build(root, new TwoStageForward(d), images, config)) {
                means = cache.labelMeans(c, counts);
                dim = cache.dim();
            }
            Parameters p = d.params();
            float[][] layer = linear(means, counts, dim);
            p.remove(n -> n.startsWith("cls."));
            p.add(Classifier.WEIGHT, layer[0], new Shape(c + 1, dim), false);
            p.add(Classifier.BIAS, layer[1], new Shape(c + 1), false);
            Path out = workDir.resolve(method.stage() + "-final.zip");
            Checkpoint.write(
                    out,
                    new Checkpoint.State(
                            Checkpoint.FORMAT, method.stage(), 0, 0, d.categoryIds(), layout, 0, List.of(), config),
                    p,
                    null);
            return new TrainingOutcome(out, List.of(), 0, 0, (System.nanoTime() - started) / 1e9);
        }
    }

    /** {weights, bias} of the NCM softmax: {@code w_c = mu_c}, {@code b_c = -||mu_c||^2 / 2}. */
    static float[][] linear(double[] means, int[] counts, int dim) {
        int k = counts.length;
        float[] w = new float[k * dim];
        float[] b = new float[k];
        for (int l = 0; l < k; l++) {
            if (counts[l] == 0) {
                b[l] = ABSENT_BIAS;
                continue;
            }
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                w[l * dim + j] = (float) means[l * dim + j];
                sq += means[l * dim + j] * means[l * dim + j];
            }
            b[l] = (float) (-sq / 2);
        }
        return new float[][] {w, b};
    }
}

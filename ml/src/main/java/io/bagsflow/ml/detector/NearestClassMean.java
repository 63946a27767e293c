package io.bagsflow.ml.detector;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.train.TwoStageForward;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.model.ModelKind;
import java.nio.file.Path;
import java.util.List;

/**
 * The BAGS paper's NCM-fc baseline (row 10; nearest class mean as in Kang et al.'s decoupling paper): no training;
 * each class, background included, is represented by the mean of the box head's fc features (the classifier's
 * input) over its training RoIs, and a RoI is scored by its distance to the means. Scores need probabilities, so
 * the means form the NCM classifier of Mensink et al. ("Distance-Based Image Classification", TPAMI 2013):
 * {@code p(c | x) ~ exp(-||x - mu_c||^2 / 2)}, which is exactly a linear softmax layer with {@code w_c = mu_c} and
 * {@code b_c = -||mu_c||^2 / 2} (the {@code ||x||^2} term is the same for every class and cancels). The checkpoint
 * is therefore a plain softmax detector. The RoIs are those the classifier-only retraining caches: every positive
 * candidate of every training image and {@code cacheNegatives} background candidates per image (one variant, as
 * {@code cacheVariants} says). A class without a training RoI gets a bias of {@value #ABSENT_BIAS} and is never
 * chosen.
 *
 * <p>Row 11 (NCM-conv, means of the RoI-pooled conv features) is not built: scoring it needs a second classifier
 * on the pooled features beside the fc path, which the detector's single inference path does not have.
 */
final class NearestClassMean {

    static final float ABSENT_BIAS = -1e4f;

    private NearestClassMean() {}

    static TrainingOutcome build(
            DetectorConfig settings, Path baseCheckpoint, LvisDataset train, Path imagesDir, Path workDir) {
        long started = System.nanoTime();
        Checkpoint.State baseState = Checkpoint.readState(baseCheckpoint);
        DetectorConfig config = baseState.config().withRuntimeFrom(settings).with("seed", settings.seed());
        try (NDManager root = DetectorRuntime.manager(config);
                Checkpoint.Loaded base = Checkpoint.read(baseCheckpoint, root)) {
            Detector d = Detector.of(
                    config, base.detector().categoryIds(), base.detector().params(), baseState.classifier());
            if (!ImageStore.categoryIds(train).equals(d.categoryIds())) {
                throw new IllegalArgumentException(baseCheckpoint + ": its categories differ from the training set's");
            }
            ImageStore images = ImageStore.load(train, imagesDir, config.imageSize(), d.categoryIds());
            int c = d.numClasses();
            int[] counts = new int[c + 1];
            double[] means;
            try (FeatureCache cache = FeatureCache.build(root, new TwoStageForward(d), images, config)) {
                means = cache.labelMeans(c, counts);
            }
            Parameters p = d.params();
            Shape wShape = p.get(Classifier.WEIGHT).getShape();
            Shape bShape = p.get(Classifier.BIAS).getShape();
            float[][] layer = linear(means, counts, (int) wShape.get(1));
            p.remove(n -> n.startsWith("cls."));
            p.add(Classifier.WEIGHT, layer[0], wShape, false);
            p.add(Classifier.BIAS, layer[1], bShape, false);
            Path out = workDir.resolve(ModelKind.NCM_FC.stage() + "-final.zip");
            Checkpoint.write(
                    out,
                    new Checkpoint.State(
                            Checkpoint.FORMAT,
                            ModelKind.NCM_FC.stage(),
                            0,
                            0,
                            d.categoryIds(),
                            baseState.classifier(),
                            0,
                            List.of(),
                            config),
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

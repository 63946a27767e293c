package io.bagsflow.ml.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.bagsflow.ml.detector.data.ImageBatch;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.train.Rng;
import io.bagsflow.ml.detector.train.RoiSampler;
import io.bagsflow.ml.detector.train.TwoStageForward;
import java.util.Arrays;

/**
 * The classifier's input features of every training image's candidate RoIs (whatever the detector's classifier
 * reads: the box head's fc features, or the grid-averaged pooled features for NCM-conv), computed once by the frozen
 * network, so that classifier-only retraining never runs the backbone again. Per image the cache keeps every
 * positive candidate (proposals and ground truth) and {@code cacheNegatives} background ones; a retraining
 * step draws its RoIs from these pools exactly as base training draws from all candidates (25% positives).
 * With {@code cacheVariants} above 1 each image is cached again, odd variants mirrored when
 * {@code retrainFlip} is on, and a step picks one variant per image at random. Features live in one engine
 * array, on the GPU when training runs there.
 */
final class FeatureCache implements AutoCloseable {

    private static final long CACHE_STREAM = 0xCAC4E;

    private final NDArray features; // (rows, dim)
    private final int[] labels; // per row
    private final int[] offsets; // first row of pool (variant * images + image)
    private final int[] counts; // rows of each pool
    private final int images;
    private final int variants;
    private final RoiSampler sampler;

    private FeatureCache(
            NDArray features, int[] labels, int[] offsets, int[] counts, int images, int variants, RoiSampler sampler) {
        this.features = features;
        this.labels = labels;
        this.offsets = offsets;
        this.counts = counts;
        this.images = images;
        this.variants = variants;
        this.sampler = sampler;
    }

    static FeatureCache build(NDManager root, TwoStageForward forward, ImageStore images, DetectorConfig config) {
        int n = images.count();
        int v = config.cacheVariants();
        int chunk = config.inferenceBatchSize();
        int[] offsets = new int[v * n];
        int[] counts = new int[v * n];
        int[] labels = new int[0];
        int rows = 0;
        NDList parts = new NDList();
        try (NDManager scratch = root.newSubManager()) {
            for (int variant = 0; variant < v; variant++) {
                for (int start = 0, b; start < n; start += b) {
                    b = Math.min(chunk, n - start);
                    if (n - start - b == 1 && b > 2) {
                        b--; // leave two images for the last batch: one alone takes a slow convolution path
                    }
                    int[] indices = new int[b];
                    boolean[] flips = new boolean[b];
                    for (int k = 0; k < b; k++) {
                        indices[k] = start + k;
                        flips[k] = config.retrainFlip() && variant % 2 == 1;
                    }
                    // the negatives kept depend only on the seed, the variant and the images
                    Rng rng = Rng.of(config.seed(), CACHE_STREAM, variant, start);
                    try (NDManager step = scratch.newSubManager()) {
                        TwoStageForward.Pool pool = forward.frozenCandidatePool(
                                step, ImageBatch.of(images, indices, flips), rng, config.cacheNegatives());
                        pool.features().attach(scratch);
                        parts.add(pool.features());
                        labels = Arrays.copyOf(labels, rows + pool.labels().length);
                        System.arraycopy(pool.labels(), 0, labels, rows, pool.labels().length);
                        for (int k = 0; k < b; k++) {
                            offsets[variant * n + start + k] = rows;
                            counts[variant * n + start + k] = pool.counts()[k];
                            rows += pool.counts()[k];
                        }
                    }
                }
            }
            NDArray all = parts.size() == 1 ? parts.get(0).duplicate() : NDArrays.concat(parts, 0);
            all.attach(root);
            return new FeatureCache(all, labels, offsets, counts, n, v, forward.sampler());
        }
    }

    /** The length of a cached feature: fcDim, or the backbone's channels for a classifier over pooled means. */
    int dim() {
        return (int) features.getShape().get(1);
    }

    /**
     * The mean cached feature of each label 0..C (background first), {@code (C+1) x dim} row-major, and in
     * {@code counts} (length C+1) how many rows each mean is over (0: the row is all zeros).
     */
    double[] labelMeans(int numClasses, int[] counts) {
        float[] f = features.toFloatArray();
        int dim = (int) features.getShape().get(1);
        double[] sums = new double[(numClasses + 1) * dim];
        for (int r = 0; r < labels.length; r++) {
            int l = labels[r];
            counts[l]++;
            for (int d = 0; d < dim; d++) {
                sums[l * dim + d] += f[r * dim + d];
            }
        }
        for (int l = 0; l <= numClasses; l++) {
            for (int d = 0; d < dim && counts[l] > 0; d++) {
                sums[l * dim + d] /= counts[l];
            }
        }
        return sums;
    }

    /** One step's RoIs: cached rows, their labels and the batch position of the image each comes from. */
    record Draw(long[] rows, int[] labels, int[] imageOfRoi) {}

    /** For each picked image, one variant at random and RoIs drawn from its pool as base training would. */
    Draw draw(int[] imageIndices, Rng rng) {
        long[] rows = new long[imageIndices.length * sampler.perImage()];
        int[] drawnLabels = new int[rows.length];
        int[] imageOfRoi = new int[rows.length];
        int at = 0;
        for (int position = 0; position < imageIndices.length; position++) {
            int image = imageIndices[position];
            int pool = (variants == 1 ? 0 : rng.nextInt(variants)) * images + image;
            int[] poolLabels = Arrays.copyOfRange(labels, offsets[pool], offsets[pool] + counts[pool]);
            for (int k : sampler.choose(poolLabels, rng)) {
                rows[at] = offsets[pool] + k;
                drawnLabels[at] = poolLabels[k];
                imageOfRoi[at] = position;
                at++;
            }
        }
        return new Draw(Arrays.copyOf(rows, at), Arrays.copyOf(drawnLabels, at), Arrays.copyOf(imageOfRoi, at));
    }

    /** The cached features of the given rows, (rows.length, fcDim), in {@code m}. */
    NDArray features(NDManager m, long[] rows) {
        NDArray picked = features.get(new NDIndex("{}", m.create(rows)));
        picked.attach(m);
        return picked;
    }

    @Override
    public void close() {
        features.close();
    }
}

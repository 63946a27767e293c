package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Repeat-factor sampling (LVIS paper): a category seen in a fraction f(c) of the training images gets
 * r(c) = max(1, sqrt(t / f(c))), and an image is repeated by the largest r(c) of its categories (1 when it has
 * none). A category in no image gets 1: no image carries it, so its factor is never used.
 *
 * <p>The threshold is given as an image count ({@link #forImageCount}): t = images / N for N training images,
 * so a category repeats when it is in fewer than that many images, whatever the size of the set. LVIS's
 * t = 0.001 was set on LVIS v0.5's 57,263 training images, where it means "in fewer than ~57 images"
 * ({@link #DEFAULT_THRESHOLD_IMAGES}); the same fraction on a 1,500-image set would mean "in fewer than 1.5" and
 * repeat almost nothing.
 *
 * @param threshold       t, the fraction of the training images
 * @param thresholdImages t x N: categories in fewer images than this repeat
 * @param categoryIds     by label, as in {@link BagsGroups}
 * @param categoryFactors r(c) per label (element i-1 for label i)
 * @param imageIds        the training images, in file order
 * @param imageFactors    repeat factor per image
 */
public record RepeatFactors(
        double threshold,
        double thresholdImages,
        int numImages,
        int[] categoryIds,
        int[] categoryImageCounts,
        double[] categoryFactors,
        int[] imageIds,
        double[] imageFactors) {

    /** LVIS v0.5's training images, the set LVIS's t = 0.001 was chosen on. */
    public static final int LVIS_V05_TRAIN_IMAGES = 57_263;
    /** LVIS's t = 0.001 times LVIS v0.5's 57,263 training images: 57.263 images. */
    public static final double DEFAULT_THRESHOLD_IMAGES = 0.001 * LVIS_V05_TRAIN_IMAGES;

    /** LVIS's t scaled to this dataset: categories in fewer than t x 57,263 training images repeat. */
    public static RepeatFactors forLvisThreshold(CategoryStatistics stats, double lvisThreshold) {
        return forImageCount(stats, lvisThreshold * LVIS_V05_TRAIN_IMAGES);
    }

    /** t = {@code images} / N: categories in fewer than {@code images} training images repeat. */
    public static RepeatFactors forImageCount(CategoryStatistics stats, double images) {
        if (!(images > 0) || Double.isInfinite(images)) {
            throw new IllegalArgumentException("repeat-factor threshold must be > 0 images, found " + images);
        }
        return compute(stats, stats.numImages() == 0 ? 0 : images / stats.numImages());
    }

    /** t given as a fraction of the training images, as LVIS writes it. */
    public static RepeatFactors compute(CategoryStatistics stats, double threshold) {
        int n = stats.numImages();
        int c = stats.numClasses();
        int[] imageCounts = new int[c];
        double[] factors = new double[c];
        for (int i = 0; i < c; i++) {
            imageCounts[i] = stats.categories().get(i).imageCount();
            double f = n == 0 ? 0 : (double) imageCounts[i] / n;
            factors[i] = f == 0 ? 1.0 : Math.max(1.0, Math.sqrt(threshold / f));
        }
        double[] imageFactors = new double[n];
        for (int i = 0; i < n; i++) {
            double r = 1.0;
            for (int label : stats.imageLabels()[i]) {
                r = Math.max(r, factors[label - 1]);
            }
            imageFactors[i] = r;
        }
        return new RepeatFactors(
                threshold,
                threshold * n,
                n,
                stats.categoryIds(),
                imageCounts,
                factors,
                stats.imageIds().clone(),
                imageFactors);
    }

    /**
     * The expected share of sampled images that are in {@code subset} when images are drawn in proportion to
     * their repeat factors; with every factor 1 it is the subset's share of the images.
     */
    public double expectedShare(java.util.function.IntPredicate subset) {
        double in = 0;
        double all = 0;
        for (int i = 0; i < imageFactors.length; i++) {
            all += imageFactors[i];
            if (subset.test(i)) {
                in += imageFactors[i];
            }
        }
        return all == 0 ? 0 : in / all;
    }

    /**
     * {@code {"threshold", "threshold_images", "num_images", "category_ids", "category_image_counts", "category_factors",
     * "image_ids", "image_factors"}}.
     */
    public String toJson() {
        return "{\n"
                + "  \"threshold\": " + threshold + ",\n"
                + "  \"threshold_images\": " + thresholdImages + ",\n"
                + "  \"num_images\": " + numImages + ",\n"
                + "  \"category_ids\": " + JsonArrays.of(categoryIds) + ",\n"
                + "  \"category_image_counts\": " + JsonArrays.of(categoryImageCounts) + ",\n"
                + "  \"category_factors\": " + JsonArrays.of(categoryFactors) + ",\n"
                + "  \"image_ids\": " + JsonArrays.of(imageIds) + ",\n"
                + "  \"image_factors\": " + JsonArrays.of(imageFactors) + "\n"
                + "}\n";
    }

    public void write(Path file) {
        AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }
}

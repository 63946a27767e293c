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
 * @param categoryIds     by label, as in {@link BagsGroups}
 * @param categoryFactors r(c) per label (element i-1 for label i)
 * @param imageIds        the training images, in file order
 * @param imageFactors    repeat factor per image
 */
public record RepeatFactors(
        double threshold,
        int numImages,
        int[] categoryIds,
        int[] categoryImageCounts,
        double[] categoryFactors,
        int[] imageIds,
        double[] imageFactors) {

    public static final double DEFAULT_THRESHOLD = 0.001;

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
                n,
                stats.categoryIds(),
                imageCounts,
                factors,
                stats.imageIds().clone(),
                imageFactors);
    }

    /**
     * {@code {"threshold", "num_images", "category_ids", "category_image_counts", "category_factors",
     * "image_ids", "image_factors"}}.
     */
    public String toJson() {
        return "{\n"
                + "  \"threshold\": " + threshold + ",\n"
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

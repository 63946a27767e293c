package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Inverse-frequency class weights for a re-weighted loss baseline: w(c) proportional to 1 / n(c), n(c) the
 * training instances (at least 1), scaled so the weights average 1 over the classes. Background is not
 * included; a loss that needs it uses 1.
 *
 * @param categoryIds    by label, as in {@link BagsGroups}
 * @param instanceCounts by label
 * @param weights        by label
 */
public record ClassWeights(int[] categoryIds, int[] instanceCounts, double[] weights) {

    public static ClassWeights compute(CategoryStatistics stats, CountSource source) {
        int[] counts = stats.instanceCounts(source);
        double sum = 0;
        for (int n : counts) {
            sum += 1.0 / Math.max(n, 1);
        }
        double[] w = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            w[i] = counts.length / (Math.max(counts[i], 1) * sum);
        }
        return new ClassWeights(stats.categoryIds(), counts, w);
    }

    /** {@code {"category_ids", "instance_counts", "weights"}}. */
    public String toJson() {
        return "{\n"
                + "  \"category_ids\": " + JsonArrays.of(categoryIds) + ",\n"
                + "  \"instance_counts\": " + JsonArrays.of(instanceCounts) + ",\n"
                + "  \"weights\": " + JsonArrays.of(weights) + "\n"
                + "}\n";
    }

    public void write(Path file) {
        AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }
}

package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Inverse-frequency class weights for the re-weighting baselines, as the official {@code get_cate_weight}
 * (FishYuLi/BalancedGroupSoftmax, {@code tools/lvis_analyse.py}): w(c) = (1 / n(c)) / mean_k(1 / n(k)), n(c) the
 * training instances (at least 1), then clipped to [{@value #MIN}, {@value #MAX}]. Unclipped, the rarest classes
 * would weigh up to ~50 times the mean and the most frequent ~0.01, a different (much stronger) baseline than the
 * paper's. Background is not included; a loss that needs it uses 1 (as the official file's entry 0).
 *
 * @param categoryIds    by label, as in {@link BagsGroups}
 * @param instanceCounts by label
 * @param weights        by label
 */
public record ClassWeights(int[] categoryIds, int[] instanceCounts, double[] weights) {

    public static final double MIN = 0.1;
    public static final double MAX = 5;

    public static ClassWeights compute(CategoryStatistics stats, CountSource source) {
        return fromCounts(stats.categoryIds(), stats.instanceCounts(source));
    }

    /** The weights of classes with these training instance counts (by label). */
    public static ClassWeights fromCounts(int[] categoryIds, int[] counts) {
        double sum = 0;
        for (int n : counts) {
            sum += 1.0 / Math.max(n, 1);
        }
        double[] w = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            w[i] = Math.min(MAX, Math.max(MIN, counts.length / (Math.max(counts[i], 1) * sum)));
        }
        return new ClassWeights(categoryIds, counts, w);
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

package io.bagsflow.bench.synth;

import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.bags.StatisticsTable;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.synth.SyntheticAnnotations;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.ml.synth.SyntheticSummary;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates a preset and prints its statistics table and how long generation took. Not a test; from the
 * repository root, after a build ({@code ./bagsflow --version}), whose jar names every other on its class path:
 * <pre>
 * java -cp cli/target/bagsflow-cli.jar io.bagsflow.bench.synth.SyntheticBenchmark small 1 /tmp/synth-small
 * </pre>
 * Arguments: preset, seed, and an empty output folder (default: a new temporary one) or {@code --plan-only}
 * to plan without drawing (how medium's statistics are printed).
 */
public final class SyntheticBenchmark {

    public static void main(String[] args) throws Exception {
        SyntheticPreset preset = SyntheticPreset.parse(args.length > 0 ? args[0] : "small");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        String third = args.length > 2 ? args[2] : null;
        LvisDataset train;
        LvisDataset val;
        if ("--plan-only".equals(third)) {
            long t0 = System.nanoTime();
            SyntheticAnnotations a = SyntheticDataset.annotations(preset, seed);
            System.out.printf(
                    "planned %s seed %d in %d ms (no images drawn)%n",
                    preset.label(), seed, (System.nanoTime() - t0) / 1_000_000);
            train = a.train();
            val = a.val();
        } else {
            Path out = third != null ? Path.of(third) : Files.createTempDirectory("synth-" + preset.label());
            SyntheticSummary s = SyntheticDataset.generate(preset, seed, out);
            System.out.printf(
                    "generated %s seed %d into %s in %d ms (plan %d ms, images %d ms, %d objects dropped)%n",
                    preset.label(), seed, out, s.totalMillis(), s.planMillis(), s.renderMillis(), s.droppedObjects());
            long bytes;
            try (var files = Files.list(s.imageDir())) {
                bytes = files.mapToLong(p -> p.toFile().length()).sum();
            }
            System.out.printf(
                    "images: %d train + %d val, %.1f MB of PNG%n", s.trainImages(), s.valImages(), bytes / 1e6);
            train = LvisDatasetReader.read(s.train());
            val = LvisDatasetReader.read(s.val());
        }
        CategoryStatistics stats = CategoryStatistics.compute(train, "train.json");
        BagsGroups groups = BagsGroups.of(stats, BinEdges.DEFAULT, CountSource.ANNOTATIONS);
        System.out.print(StatisticsTable.format(stats, groups));
        long negs =
                val.images().stream().mapToLong(i -> i.negCategoryIds().length).sum();
        long notEx = val.images().stream()
                .filter(i -> i.notExhaustiveCategoryIds().length > 0)
                .count();
        System.out.printf(
                "val: %d images, %d instances, %.1f neg_category_ids per image, %d images not exhaustive%n",
                val.images().size(),
                val.annotations().size(),
                (double) negs / val.images().size(),
                notEx);
        int maxInstances = stats.categories().stream()
                .mapToInt(c -> c.instanceCount())
                .max()
                .orElse(0);
        int minInstances = stats.categories().stream()
                .mapToInt(c -> c.instanceCount())
                .min()
                .orElse(0);
        System.out.printf(
                "instances per class: %d to %d; BAGS logits C+G+2 = %d%n",
                minInstances, maxInstances, groups.totalLogits());
    }
}

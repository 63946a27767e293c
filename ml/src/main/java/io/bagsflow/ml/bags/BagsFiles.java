package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CategoryStatistics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PREPARE's group files, written into one folder:
 * <ul>
 *   <li>{@code groups.json}: see {@link GroupsJson};</li>
 *   <li>{@code groups.npz}: int64 arrays {@code bin_edges} (G), {@code category_ids} (C),
 *       {@code label2binlabel} (G+1, C+1), {@code pred_slice} (G+1, 2), {@code label_group} (C+1: group of
 *       each label, 0 for background), {@code label_in_group} (C+1: 1-based index inside the group, 0 for
 *       background) and {@code split_1} .. {@code split_G} (category ids of each group);</li>
 *   <li>{@code repeat_factors.json}: see {@link RepeatFactors#toJson()};</li>
 *   <li>{@code class_weights.json}: see {@link ClassWeights#toJson()}.</li>
 * </ul>
 */
public record BagsFiles(
        BagsGroups groups,
        RepeatFactors repeatFactors,
        ClassWeights classWeights,
        Path groupsJson,
        Path groupsNpz,
        Path repeatFactorsJson,
        Path classWeightsJson) {

    public static BagsFiles write(CategoryStatistics stats, GroupingOptions options, Path dir) {
        BagsGroups groups = BagsGroups.of(stats, options.bins(), options.countSource());
        RepeatFactors rfs = RepeatFactors.forImageCount(stats, options.rfsThresholdImages());
        ClassWeights weights = ClassWeights.compute(stats, options.countSource());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        BagsFiles files = new BagsFiles(
                groups,
                rfs,
                weights,
                dir.resolve("groups.json"),
                dir.resolve("groups.npz"),
                dir.resolve("repeat_factors.json"),
                dir.resolve("class_weights.json"));
        GroupsJson.write(groups, files.groupsJson);
        NpzWriter.write(files.groupsNpz, npzArrays(groups));
        rfs.write(files.repeatFactorsJson);
        weights.write(files.classWeightsJson);
        return files;
    }

    static List<NpzWriter.Array> npzArrays(BagsGroups groups) {
        List<NpzWriter.Array> arrays = new ArrayList<>();
        arrays.add(NpzWriter.Array.of("bin_edges", groups.bins().edges()));
        arrays.add(NpzWriter.Array.of("category_ids", groups.categoryIds()));
        arrays.add(NpzWriter.Array.of("label2binlabel", groups.label2binlabel(), groups.numClasses() + 1));
        arrays.add(NpzWriter.Array.of("pred_slice", groups.predSlice(), 2));
        arrays.add(NpzWriter.Array.of("label_group", groups.labelGroups()));
        arrays.add(NpzWriter.Array.of("label_in_group", groups.labelIndicesInGroup()));
        for (int g = 1; g <= groups.numGroups(); g++) {
            arrays.add(NpzWriter.Array.of("split_" + g, groups.split(g)));
        }
        return arrays;
    }
}

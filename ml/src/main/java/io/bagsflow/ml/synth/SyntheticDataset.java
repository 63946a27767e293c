package io.bagsflow.ml.synth;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A long-tailed detection benchmark in LVIS format that is hard the way LVIS is: classes come in families of
 * look-alikes (same shape and texture, hues 0.03 apart) and every family mixes frequent and rare members, so
 * a frequency-biased classifier mistakes a rare class for its frequent sibling. The val set is federated:
 * each image lists the categories it surely lacks (all look-alike siblings of its classes and a sample of
 * others) and some list a category whose instances are not all labelled.
 *
 * <p>Byte-deterministic: the same preset and seed give identical files.
 */
public final class SyntheticDataset {

    private SyntheticDataset() {}

    /** {@link #generate(SyntheticPreset, long, SiblingPlacement, Path)} with the default sibling placement. */
    public static SyntheticSummary generate(SyntheticPreset preset, long seed, Path outDir) {
        return generate(preset, seed, SiblingPlacement.ACROSS_GROUPS, outDir);
    }

    /**
     * Writes {@code outDir/train.json}, {@code outDir/val.json}, {@code outDir/test.json} and
     * {@code outDir/images/*.png}. Val is for choices made from data (tau, selection rules), test for the numbers
     * reported; both are drawn the same way, test from a random stream of its own.
     *
     * @param outDir must be absent or empty
     */
    public static SyntheticSummary generate(SyntheticPreset preset, long seed, SiblingPlacement siblings, Path outDir) {
        long start = System.nanoTime();
        Path imageDir = outDir.resolve("images");
        prepareEmpty(outDir);
        SyntheticPlan plan = SyntheticPlanner.plan(preset, seed, siblings);
        long planned = System.nanoTime();

        ImageRenderer renderer = new ImageRenderer(preset, plan.classes());
        List<PlannedImage> all = new ArrayList<>(plan.trainImages());
        all.addAll(plan.valImages());
        all.addAll(plan.testImages());
        try {
            Files.createDirectories(imageDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + imageDir, e);
        }
        // Each image depends only on its own plan, so rendering in parallel keeps the bytes deterministic.
        all.parallelStream().forEach(img -> {
            Path file = imageDir.resolve(img.fileName());
            try {
                Files.write(file, ImageRenderer.png(renderer.render(img)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        });
        long rendered = System.nanoTime();

        // The annotation files last: a folder with train.json, val.json and test.json holds a complete dataset.
        Path train = outDir.resolve("train.json");
        Path val = outDir.resolve("val.json");
        Path test = outDir.resolve("test.json");
        LvisDatasetWriter.write(plan.train(), train);
        LvisDatasetWriter.write(plan.test(), test);
        LvisDatasetWriter.write(plan.val(), val);
        long done = System.nanoTime();

        List<LvisCategory> cats = plan.train().categories();
        return new SyntheticSummary(
                preset,
                seed,
                train,
                val,
                test,
                imageDir,
                cats.size(),
                count(cats, Frequency.RARE),
                count(cats, Frequency.COMMON),
                count(cats, Frequency.FREQUENT),
                plan.train().images().size(),
                plan.train().annotations().size(),
                plan.val().images().size(),
                plan.val().annotations().size(),
                plan.test().images().size(),
                plan.test().annotations().size(),
                plan.droppedObjects(),
                (planned - start) / 1_000_000,
                (rendered - planned) / 1_000_000,
                (done - start) / 1_000_000);
    }

    /** The train, val and test records without drawing any image (fast even for medium). */
    public static SyntheticAnnotations annotations(SyntheticPreset preset, long seed) {
        return annotations(preset, seed, SiblingPlacement.ACROSS_GROUPS);
    }

    public static SyntheticAnnotations annotations(SyntheticPreset preset, long seed, SiblingPlacement siblings) {
        SyntheticPlan plan = SyntheticPlanner.plan(preset, seed, siblings);
        return new SyntheticAnnotations(plan.train(), plan.val(), plan.test());
    }

    private static int count(List<LvisCategory> cats, Frequency f) {
        return (int) cats.stream().filter(c -> c.frequency() == f).count();
    }

    private static void prepareEmpty(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException(
                                dir + " is not empty: synthetic data goes into a new folder");
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}

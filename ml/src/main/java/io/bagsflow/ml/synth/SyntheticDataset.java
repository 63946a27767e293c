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

    /**
     * Writes {@code outDir/train.json}, {@code outDir/val.json} and {@code outDir/images/*.png}.
     *
     * @param outDir must be absent or empty
     */
    public static SyntheticSummary generate(SyntheticPreset preset, long seed, Path outDir) {
        long start = System.nanoTime();
        Path imageDir = outDir.resolve("images");
        prepareEmpty(outDir);
        SyntheticPlan plan = SyntheticPlanner.plan(preset, seed);
        long planned = System.nanoTime();

        ImageRenderer renderer = new ImageRenderer(preset, plan.classes());
        List<PlannedImage> all = new ArrayList<>(plan.trainImages());
        all.addAll(plan.valImages());
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

        // The annotation files last: a folder with train.json and val.json holds a complete dataset.
        Path train = outDir.resolve("train.json");
        Path val = outDir.resolve("val.json");
        LvisDatasetWriter.write(plan.train(), train);
        LvisDatasetWriter.write(plan.val(), val);
        long done = System.nanoTime();

        List<LvisCategory> cats = plan.train().categories();
        return new SyntheticSummary(
                preset,
                seed,
                train,
                val,
                imageDir,
                cats.size(),
                count(cats, Frequency.RARE),
                count(cats, Frequency.COMMON),
                count(cats, Frequency.FREQUENT),
                plan.train().images().size(),
                plan.train().annotations().size(),
                plan.val().images().size(),
                plan.val().annotations().size(),
                plan.droppedObjects(),
                (planned - start) / 1_000_000,
                (rendered - planned) / 1_000_000,
                (done - start) / 1_000_000);
    }

    /** The train and val records without drawing any image (fast even for medium). */
    public static SyntheticAnnotations annotations(SyntheticPreset preset, long seed) {
        SyntheticPlan plan = SyntheticPlanner.plan(preset, seed);
        return new SyntheticAnnotations(plan.train(), plan.val());
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

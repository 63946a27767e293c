package io.bagsflow.ml.detector;

import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The tiny synthetic dataset (10 classes, 150 train and 50 val images of 64 px) and one base detector trained
 * on it with the tiny preset, made once per test JVM and shared by the detector tests.
 */
final class TinyDetectorData {

    private static Path root;
    private static LvisDataset train;
    private static LvisDataset val;
    private static Path baseCheckpoint;

    private TinyDetectorData() {}

    static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("bagsflow-detector-test");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SyntheticDataset.generate(SyntheticPreset.TINY, 7, root.resolve("data"));
            train = LvisDatasetReader.read(root.resolve("data/train.json"));
            val = LvisDatasetReader.read(root.resolve("data/val.json"));
        }
        return root;
    }

    static LvisDataset train() {
        root();
        return train;
    }

    static LvisDataset val() {
        root();
        return val;
    }

    static Path images() {
        return root().resolve("data/images");
    }

    static BagsGroups groups() {
        return BagsGroups.of(
                CategoryStatistics.compute(train(), "train.json"), BinEdges.DEFAULT, CountSource.ANNOTATIONS);
    }

    /** A fresh, empty directory under the shared root. */
    static Path newDir(String name) {
        try {
            return Files.createTempDirectory(root(), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tiny preset's base model, trained once (40 iterations). */
    static synchronized Path baseCheckpoint() {
        if (baseCheckpoint == null) {
            TrainingOutcome r = BaseTrainer.train(
                    DetectorConfig.preset("tiny"), train(), images(), newDir("base"), null, TrainingHooks.NONE);
            baseCheckpoint = r.checkpoint();
        }
        return baseCheckpoint;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}

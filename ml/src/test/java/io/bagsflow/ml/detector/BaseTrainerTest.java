package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class BaseTrainerTest {

    @Test
    void lossesFallOverAShortTraining() {
        DetectorConfig config =
                DetectorConfig.preset("tiny").with("iterations", 60).with("checkpointInterval", 0);
        TrainingOutcome r = BaseTrainer.train(
                config,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("falls"),
                null,
                TrainingHooks.NONE);
        List<LossPoint> curve = r.lossCurve();
        assertEquals(12, curve.size());
        LossPoint first = curve.get(0);
        LossPoint last = curve.get(curve.size() - 1);
        assertEquals(
                List.of("rcnn_box", "rcnn_cls", "rpn_box", "rpn_cls"),
                first.losses().keySet().stream().sorted().toList());
        assertTrue(last.total() < 0.7 * first.total(), "loss " + first.total() + " -> " + last.total());
        assertTrue(
                last.losses().get("rpn_cls") < 0.8 * first.losses().get("rpn_cls"),
                "rpn_cls " + first.losses().get("rpn_cls") + " -> "
                        + last.losses().get("rpn_cls"));
        assertEquals(0, r.skippedSteps());
        assertTrue(Files.isRegularFile(r.checkpoint()));
    }

    @Test
    void aResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws IOException {
        DetectorConfig config =
                DetectorConfig.preset("tiny").with("iterations", 30).with("checkpointInterval", 10);
        Path kept = TinyDetectorData.newDir("kept").resolve("at-20.zip");
        TrainingHooks keepTwenty = new TrainingHooks() {
            @Override
            public void onCheckpoint(Path file, int iteration) {
                if (iteration == 20) {
                    copy(file, kept);
                }
            }
        };
        TrainingOutcome whole = BaseTrainer.train(
                config,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("whole"),
                null,
                keepTwenty);
        TrainingOutcome resumed = BaseTrainer.train(
                config,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("resumed"),
                kept,
                TrainingHooks.NONE);
        assertArrayEquals(entry(whole.checkpoint(), "parameters.bin"), entry(resumed.checkpoint(), "parameters.bin"));
        assertEquals(whole.lossCurve(), resumed.lossCurve());
        // the whole file too: its content hash keys the stages that use it
        assertEquals(
                new String(entry(whole.checkpoint(), "checkpoint.json")),
                new String(entry(resumed.checkpoint(), "checkpoint.json")));
        assertArrayEquals(Files.readAllBytes(whole.checkpoint()), Files.readAllBytes(resumed.checkpoint()));
    }

    @Test
    void twoTrainingsOnTwoThreadsGiveTheSameLossesAndWeightsBitForBit() throws IOException {
        // deterministic for a given thread count; another thread count sums in another order (see README)
        DetectorConfig config = DetectorConfig.preset("tiny")
                .with("iterations", 20)
                .with("progressInterval", 1)
                .with("checkpointInterval", 0)
                .with("threads", 2);
        TrainingOutcome first = BaseTrainer.train(
                config,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("twice-1"),
                null,
                TrainingHooks.NONE);
        TrainingOutcome second = BaseTrainer.train(
                config,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("twice-2"),
                null,
                TrainingHooks.NONE);
        assertEquals(20, first.lossCurve().size());
        // LossPoint equality compares the doubles exactly: the same loss at every step
        assertEquals(first.lossCurve(), second.lossCurve());
        assertArrayEquals(entry(first.checkpoint(), "parameters.bin"), entry(second.checkpoint(), "parameters.bin"));
    }

    @Test
    void resumingWithAnotherModelConfigFails() {
        DetectorConfig config =
                DetectorConfig.preset("tiny").with("iterations", 10).with("checkpointInterval", 5);
        Path kept = TinyDetectorData.newDir("other").resolve("at-5.zip");
        BaseTrainer.train(
                config,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("o"),
                null,
                new TrainingHooks() {
                    @Override
                    public void onCheckpoint(Path file, int iteration) {
                        if (iteration == 5) {
                            copy(file, kept);
                        }
                    }
                });
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BaseTrainer.train(
                        config.with("fcDim", 32),
                        TinyDetectorData.train(),
                        TinyDetectorData.images(),
                        TinyDetectorData.newDir("o2"),
                        kept,
                        TrainingHooks.NONE));
        assertTrue(e.getMessage().contains("fcDim") && e.getMessage().contains("at-5.zip"), e.getMessage());
    }

    @Test
    void tooManyNonFiniteStepsFailTheRunWithAClearMessage() {
        // no clipping and an absurd rate: the first step blows the weights up, every later loss is non-finite
        DetectorConfig config = DetectorConfig.preset("tiny")
                .with("iterations", 20)
                .with("gradClipNorm", 0.0)
                .with("learningRate", 1e12)
                .with("warmupIterations", 0)
                .with("maxNonFiniteSteps", 3);
        NonFiniteTrainingException e = assertThrows(
                NonFiniteTrainingException.class,
                () -> BaseTrainer.train(
                        config,
                        TinyDetectorData.train(),
                        TinyDetectorData.images(),
                        TinyDetectorData.newDir("nan"),
                        null,
                        TrainingHooks.NONE));
        assertTrue(e.getMessage().contains("4 steps had a non-finite loss or gradient"), e.getMessage());
        assertTrue(e.getMessage().contains("maxNonFiniteSteps = 3"), e.getMessage());
    }

    @Test
    void anExceptionFromTheListenerStopsTraining() {
        IllegalStateException cancelled = new IllegalStateException("cancelled");
        TrainingHooks cancelAtTen = new TrainingHooks() {
            @Override
            public void onProgress(TrainingProgress p) {
                if (p.iteration() == 10) {
                    throw cancelled;
                }
            }
        };
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> BaseTrainer.train(
                        DetectorConfig.preset("tiny"),
                        TinyDetectorData.train(),
                        TinyDetectorData.images(),
                        TinyDetectorData.newDir("cancel"),
                        null,
                        cancelAtTen));
        assertSame(cancelled, e);
    }

    @Test
    void theMediumGpuPresetRunsOnCpu() {
        // the medium architecture (resnet backbone, 256 px, 1024 proposals) for two small steps
        DetectorConfig config = DetectorConfig.preset("medium")
                .with("device", "cpu")
                .with("threads", 1)
                .with("batchSize", 2)
                .with("iterations", 2)
                .with("warmupIterations", 1);
        TrainingOutcome r = BaseTrainer.train(
                config,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("medium"),
                null,
                TrainingHooks.NONE);
        assertEquals(0, r.skippedSteps());
        assertEquals(1, r.lossCurve().size());
        assertTrue(Double.isFinite(r.lossCurve().get(0).total()));
    }

    static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] entry(Path zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new IOException(zip + " has no " + name);
    }
}

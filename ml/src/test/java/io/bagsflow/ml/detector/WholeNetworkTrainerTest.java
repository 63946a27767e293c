package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.model.ModelKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The paper's "all" rows on the tiny base model: every weight trains, from the base or from scratch. */
class WholeNetworkTrainerTest {

    @Test
    void aWholeNetworkFineTuneChangesEveryWeightStartingFromTheBase() throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        TrainingOutcome r = WholeNetworkTrainer.train(
                ModelKind.FOCAL,
                DetectorConfig.preset("tiny"),
                base,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("whole-focal"),
                TrainingHooks.NONE);
        Checkpoint.State state = Checkpoint.readState(r.checkpoint());
        assertEquals("retrain-focal", state.stage());
        assertEquals(ClassifierLayout.softmax(10), state.classifier());
        // the base's own schedule again
        assertEquals(Checkpoint.readState(base).config().iterations(), state.iteration());
        assertEquals(state.iteration(), WholeNetworkTrainer.iterations(ModelKind.FOCAL, base));
        Map<String, byte[]> before = ClassifierRetrainerTest.arrays(base);
        Map<String, byte[]> after = ClassifierRetrainerTest.arrays(r.checkpoint());
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            // BatchNorm statistics update in training mode as every weight does
            assertFalse(Arrays.equals(before.get(name), after.get(name)), name + " did not change");
        }
        assertFalse(r.lossCurve().isEmpty());
        assertEquals(0, r.skippedSteps());
    }

    @Test
    void x2RunsTwiceTheBaseIterations() {
        Path base = TinyDetectorData.baseCheckpoint();
        int iterations = Checkpoint.readState(base).config().iterations();
        assertEquals(2 * iterations, WholeNetworkTrainer.iterations(ModelKind.X2, base));
        assertEquals(iterations, WholeNetworkTrainer.iterations(ModelKind.RFS_ALL, base));
    }

    @Test
    void finetuneTailDrawsOnlyImagesHoldingAClassUnderAHundredInstances() {
        ImageStore images = ImageStore.load(
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                DetectorConfig.preset("tiny").imageSize(),
                ImageStore.categoryIds(TinyDetectorData.train()));
        int[] counts =
                CategoryStatistics.compute(TinyDetectorData.train(), "train").instanceCounts(CountSource.ANNOTATIONS);
        int[] tail = MethodSampling.tailImages(images, TinyDetectorData.train());
        assertTrue(tail.length > 0 && tail.length <= images.count());
        int expected = 0;
        for (int i = 0; i < images.count(); i++) {
            boolean hasTail = Arrays.stream(images.labels(i)).anyMatch(l -> l > 0 && counts[l - 1] < 100);
            expected += hasTail ? 1 : 0;
            int image = i;
            assertEquals(hasTail, Arrays.stream(tail).anyMatch(t -> t == image), "image " + i);
        }
        assertEquals(expected, tail.length);
    }

    @Test
    void classifierOnlyKindsAreRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> WholeNetworkTrainer.train(
                        ModelKind.CRT,
                        DetectorConfig.preset("tiny"),
                        TinyDetectorData.baseCheckpoint(),
                        TinyDetectorData.train(),
                        TinyDetectorData.images(),
                        TinyDetectorData.newDir("whole-crt"),
                        TrainingHooks.NONE));
        assertTrue(e.getMessage().contains("crt"), e.getMessage());
    }
}

package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.bags.ClassWeights;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.detector.model.SoftmaxClassifier;
import io.bagsflow.ml.detector.model.WeightedSoftmaxClassifier;
import io.bagsflow.ml.detector.train.Rng;
import io.bagsflow.model.ModelKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReweightedClassifierTest {

    @Test
    void theWeightedLossWeighsEachRoiByItsClassAndBackgroundByOne() {
        WeightedSoftmaxClassifier c = new WeightedSoftmaxClassifier(new double[] {4.0, 0.5});
        // RoIs: background, class 1, class 2, padding
        float[] t = c.targets(new int[] {0, 1, 2, 0}, new boolean[] {true, true, true, false}, Rng.of(1, 1));
        float[] plain = new SoftmaxClassifier(2)
                .targets(new int[] {0, 1, 2, 0}, new boolean[] {true, true, true, false}, Rng.of(1, 1));
        // 3 valid RoIs: the plain loss weighs each 1/3; the weighted one w(y)/3
        assertArrayEquals(new float[] {1f / 3, 0, 0, 0, 4f / 3, 0, 0, 0, 0.5f / 3, 0, 0, 0}, t, 1e-7f);
        assertArrayEquals(new float[] {1f / 3, 0, 0, 0, 1f / 3, 0, 0, 0, 1f / 3, 0, 0, 0}, plain, 1e-7f);
        assertEquals(new SoftmaxClassifier(2).layout(), c.layout());
    }

    @Test
    void classWeightsAreInverseInstanceCountsOverTheirMeanClippedAsGetCateWeight() {
        CategoryStatistics stats = CategoryStatistics.compute(TinyDetectorData.train(), "train.json");
        ClassWeights w = ClassWeights.compute(stats, CountSource.ANNOTATIONS);
        int[] n = stats.instanceCounts(CountSource.ANNOTATIONS);
        double meanInverse = Arrays.stream(n)
                .mapToDouble(k -> 1.0 / Math.max(k, 1))
                .average()
                .orElseThrow();
        for (int i = 0; i < n.length; i++) {
            double unclipped = (1.0 / Math.max(n[i], 1)) / meanInverse;
            assertEquals(Math.min(5, Math.max(0.1, unclipped)), w.weights()[i], 1e-12, "class " + i);
            assertTrue(w.weights()[i] >= 0.1 && w.weights()[i] <= 5, "class " + i + ": " + w.weights()[i]);
        }
    }

    @Test
    void classWeightsOutsideTheOfficialRangeAreClippedToIt() {
        // one class of 1 instance, ten of 1000: mean(1/n) = 1.01 / 11, so the rare class would weigh 10.89 and the
        // others 0.0109; get_cate_weight clips them to 5 and 0.1
        int[] counts = {1, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000};
        ClassWeights w = ClassWeights.fromCounts(new int[counts.length], counts);
        assertEquals(5.0, w.weights()[0], 0.0);
        for (int i = 1; i < counts.length; i++) {
            assertEquals(0.1, w.weights()[i], 0.0);
        }
        // inside the range nothing changes: counts 1 and 4 give 1.6 and 0.4
        assertArrayEquals(
                new double[] {1.6, 0.4},
                ClassWeights.fromCounts(new int[2], new int[] {1, 4}).weights(),
                1e-12);
    }

    @Test
    void reweightClsTrainsOnlyTheClassifierAndDiffersFromTheControl() throws Exception {
        DetectorConfig config = DetectorConfig.preset("tiny").with("retrainIterations", 20);
        TrainingOutcome reweighted = ClassifierRetrainer.retrain(
                ModelKind.REWEIGHT_CLS,
                config,
                TinyDetectorData.baseCheckpoint(),
                null,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("rw"),
                TrainingHooks.NONE);
        TrainingOutcome control = ClassifierRetrainer.retrain(
                ModelKind.CONTROL,
                config,
                TinyDetectorData.baseCheckpoint(),
                null,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("rw-control"),
                TrainingHooks.NONE);
        ClassifierRetrainerTest.assertFrozenExceptClassifier(
                TinyDetectorData.baseCheckpoint(), reweighted.checkpoint());
        Checkpoint.State state = Checkpoint.readState(reweighted.checkpoint());
        assertEquals("retrain-reweight_cls", state.stage());
        assertFalse(state.classifier().grouped());
        // same images in the same order as the control: only the loss weights differ, and so do the weights
        float[] a = ClassifierWeightNorms.of(reweighted.checkpoint());
        float[] b = ClassifierWeightNorms.of(control.checkpoint());
        assertFalse(Arrays.equals(a, b));
        assertTrue(reweighted.lossCurve().size() > 0);
    }
}

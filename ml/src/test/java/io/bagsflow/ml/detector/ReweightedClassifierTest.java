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
    void classWeightsAreInverseInstanceCountsWithMeanOne() {
        CategoryStatistics stats = CategoryStatistics.compute(TinyDetectorData.train(), "train.json");
        ClassWeights w = ClassWeights.compute(stats, CountSource.ANNOTATIONS);
        int[] n = stats.instanceCounts(CountSource.ANNOTATIONS);
        assertEquals(1.0, Arrays.stream(w.weights()).average().orElseThrow(), 1e-12);
        for (int i = 0; i < n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                // w(i) * n(i) is the same for every class: weights are inversely proportional to counts
                assertEquals(w.weights()[i] * n[i], w.weights()[j] * n[j], 1e-9);
            }
        }
    }

    @Test
    void reweightClsTrainsOnlyTheClassifierAndDiffersFromTheControl() throws Exception {
        DetectorConfig config = DetectorConfig.preset("tiny").with("retrainIterations", 20);
        TrainingOutcome reweighted = ClassifierRetrainer.retrain(
                RetrainMethod.REWEIGHT_CLS,
                config,
                TinyDetectorData.baseCheckpoint(),
                null,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("rw"),
                TrainingHooks.NONE);
        TrainingOutcome control = ClassifierRetrainer.retrain(
                RetrainMethod.CONTROL,
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

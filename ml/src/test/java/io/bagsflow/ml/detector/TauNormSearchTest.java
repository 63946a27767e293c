package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.lvis.LvisResults;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TauNormSearchTest {

    @Test
    void tauIsChosenOnValAndTheModelIsTheBaseWithNormalisedClassRows() throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        DetectorConfig settings = DetectorConfig.preset("tiny");
        TauNormSearch.Result r = TauNormSearch.search(
                settings,
                base,
                TinyDetectorData.val(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("tau"),
                TrainingHooks.NONE);

        assertEquals(List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), r.grid());
        assertEquals(11, r.valAp().size());
        double best = r.valAp().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertEquals(best, r.valAp().get(r.grid().indexOf(r.tau())), 0.0);
        assertEquals(r.tau(), TauNormSearch.chosenTau(r.checkpoint()), 0.0);
        assertEquals("retrain-tau_norm", Checkpoint.readState(r.checkpoint()).stage());

        // tau = 0 is the base model itself: same detections, same AP
        LvisEvaluator evaluator = new LvisEvaluator(TinyDetectorData.val(), "val.json");
        LvisResults baseResults =
                Inference.predict(base, settings, TinyDetectorData.val(), TinyDetectorData.images(), null);
        assertEquals(
                evaluator.evaluate(baseResults, "base").metrics().ap(),
                r.valAp().get(0),
                0.0);
        // the checkpoint, run as any model is, gives the AP the search measured for its tau
        LvisResults chosen =
                Inference.predict(r.checkpoint(), settings, TinyDetectorData.val(), TinyDetectorData.images(), null);
        assertEquals(best, evaluator.evaluate(chosen, "tau_norm").metrics().ap(), 0.0);

        // every array but the classifier weight is the base's, biases included; the weight is the normalised one
        Map<String, byte[]> before = ClassifierRetrainerTest.arrays(base);
        Map<String, byte[]> after = ClassifierRetrainerTest.arrays(r.checkpoint());
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            if (!name.equals("cls.w")) {
                assertArrayEquals(before.get(name), after.get(name), name);
            }
        }
        float[] w = floats(before.get("cls.w"));
        int dim = w.length / 11;
        assertArrayEquals(TauNormSearch.normalise(w, dim, r.tau()), floats(after.get("cls.w")));
        float[] norms = ClassifierWeightNorms.of(r.checkpoint());
        float[] baseNorms = ClassifierWeightNorms.of(base);
        for (int i = 0; i < norms.length; i++) {
            assertEquals(Math.pow(baseNorms[i], 1 - r.tau()), norms[i], 1e-4 * baseNorms[i]);
        }
    }

    private static float[] floats(byte[] raw) {
        float[] out = new float[raw.length / 4];
        ByteBuffer.wrap(raw).asFloatBuffer().get(out);
        return out;
    }

    @Test
    void normaliseDividesEachClassRowByItsNormToTheTauAndLeavesBackground() {
        // rows: background (3, 4), class 1 (3, 4) of norm 5, class 2 (0, 2) of norm 2
        float[] w = {3, 4, 3, 4, 0, 2};
        float[] half = TauNormSearch.normalise(w, 2, 0.5);
        assertEquals(3f, half[0]);
        assertEquals(4f, half[1]);
        assertEquals(3 / Math.sqrt(5), half[2], 1e-6);
        assertEquals(4 / Math.sqrt(5), half[3], 1e-6);
        assertEquals(2 / Math.sqrt(2), half[5], 1e-6);
        float[] unit = TauNormSearch.normalise(w, 2, 1.0);
        float[] norms = ClassifierWeightNorms.of(ClassifierLayout.softmax(2), unit, 2);
        assertEquals(1f, norms[0], 1e-6);
        assertEquals(1f, norms[1], 1e-6);
        float[] same = TauNormSearch.normalise(w, 2, 0.0);
        assertEquals(List.of(3f, 4f, 3f, 4f, 0f, 2f), List.of(same[0], same[1], same[2], same[3], same[4], same[5]));
    }

    @Test
    void onlyAPlainSoftmaxBaseCanBeNormalised() {
        TrainingOutcome bags = ClassifierRetrainer.retrain(
                RetrainMethod.BAGS,
                DetectorConfig.preset("tiny").with("retrainIterations", 5),
                TinyDetectorData.baseCheckpoint(),
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("tau-bags"),
                TrainingHooks.NONE);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TauNormSearch.search(
                        DetectorConfig.preset("tiny"),
                        bags.checkpoint(),
                        TinyDetectorData.val(),
                        TinyDetectorData.images(),
                        TinyDetectorData.newDir("tau-bad"),
                        TrainingHooks.NONE));
        assertTrue(e.getMessage().contains("grouped"), e.getMessage());
        IllegalArgumentException notTau =
                assertThrows(IllegalArgumentException.class, () -> TauNormSearch.chosenTau(bags.checkpoint()));
        assertFalse(notTau.getMessage().isEmpty());
    }
}

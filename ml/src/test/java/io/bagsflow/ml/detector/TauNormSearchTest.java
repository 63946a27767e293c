package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.model.ModelKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TauNormSearchTest {

    @Test
    void tauIsChosenOnValAndTheModelIsTheBaseWithNormalisedClassRowsAndNoClassBias() throws IOException {
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
        assertEquals(
                "retrain-tau_norm_select", Checkpoint.readState(r.checkpoint()).stage());

        // the checkpoint, run as any model is, gives the AP the search measured for its tau
        LvisEvaluator evaluator = new LvisEvaluator(TinyDetectorData.val(), "val.json");
        LvisResults chosen =
                Inference.predict(r.checkpoint(), settings, TinyDetectorData.val(), TinyDetectorData.images(), null);
        assertEquals(
                best, evaluator.evaluate(chosen, "tau_norm_select").metrics().ap(), 0.0);

        assertNormalisedBase(base, r.checkpoint(), r.tau());
    }

    @Test
    void rowTwelveIsTauOneWithoutAValSet() throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        TauNormSearch.Result r = TauNormSearch.fixed(
                DetectorConfig.preset("tiny"), base, TauNormSearch.FIXED_TAU, TinyDetectorData.newDir("tau-1"));
        assertEquals(1.0, r.tau(), 0.0);
        assertEquals(1.0, TauNormSearch.chosenTau(r.checkpoint()), 0.0);
        assertEquals("retrain-tau_norm", Checkpoint.readState(r.checkpoint()).stage());
        assertNormalisedBase(base, r.checkpoint(), 1.0);
        float[] norms = ClassifierWeightNorms.of(r.checkpoint());
        for (int i = 0; i < norms.length; i++) {
            assertEquals(1.0, norms[i], 1e-5, "class " + (i + 1));
        }
    }

    /**
     * Every array but the classifier is the base's; the weight has normalised class rows and the base's background
     * row; the bias keeps only the background's entry (classifier-balancing's tau_norm.py scores without bias).
     */
    private static void assertNormalisedBase(Path base, Path normalised, double tau) throws IOException {
        Map<String, byte[]> before = ClassifierRetrainerTest.arrays(base);
        Map<String, byte[]> after = ClassifierRetrainerTest.arrays(normalised);
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            if (!name.startsWith("cls.")) {
                assertArrayEquals(before.get(name), after.get(name), name);
            }
        }
        float[] w = floats(before.get("cls.w"));
        int dim = w.length / 11;
        assertArrayEquals(TauNormSearch.normalise(w, dim, tau), floats(after.get("cls.w")));
        float[] b = floats(before.get("cls.b"));
        float[] nb = floats(after.get("cls.b"));
        assertEquals(b[0], nb[0], 0f);
        for (int i = 1; i < nb.length; i++) {
            assertEquals(0f, nb[i], 0f, "class bias " + i);
        }
        float[] norms = ClassifierWeightNorms.of(normalised);
        float[] baseNorms = ClassifierWeightNorms.of(base);
        for (int i = 0; i < norms.length; i++) {
            assertEquals(Math.pow(baseNorms[i], 1 - tau), norms[i], 1e-4 * baseNorms[i]);
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
                ModelKind.BAGS,
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
        assertTrue(e.getMessage().contains("group-softmax"), e.getMessage());
        IllegalArgumentException notTau =
                assertThrows(IllegalArgumentException.class, () -> TauNormSearch.chosenTau(bags.checkpoint()));
        assertFalse(notTau.getMessage().isEmpty());
    }
}

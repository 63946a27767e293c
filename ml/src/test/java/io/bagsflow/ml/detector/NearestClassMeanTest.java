package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.detector.model.SoftmaxClassifier;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.model.ModelKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NCM-fc (the paper's row 10): class means of the fc features as a softmax over negative squared distances. */
class NearestClassMeanTest {

    @Test
    void theNcmLayerScoresBySquaredDistanceToEachMean() {
        // two-dimensional features; means: background (0, 0), class 1 (2, 0), class 2 absent
        double[] means = {0, 0, 2, 0, 0, 0};
        float[][] layer = NearestClassMean.linear(means, new int[] {5, 3, 0}, 2);
        assertArrayEquals(new float[] {0, 0, 2, 0, 0, 0}, layer[0]);
        assertArrayEquals(new float[] {0, -2, NearestClassMean.ABSENT_BIAS}, layer[1], 1e-9f);
        // x = (1.5, 0): logits w.x + b = 0, 1, -1e4; -||x - mu||^2 / 2 = -1.125, -0.125 differ by the same 1
        float[] logits = {0, 1.5f * 2 - 2, NearestClassMean.ABSENT_BIAS};
        float[] p = new SoftmaxClassifier(2).probabilities(logits, 1);
        assertEquals(1 / (1 + Math.exp(-1)), p[1], 1e-6);
        assertEquals(0, p[2], 1e-30);
    }

    @Test
    void ncmFcKeepsTheNetworkAndReplacesTheClassifierByTheMeans() throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        DetectorConfig settings = DetectorConfig.preset("tiny");
        TrainingOutcome r = ClassifierRetrainer.retrain(
                ModelKind.NCM_FC,
                settings,
                base,
                null,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("ncm"),
                TrainingHooks.NONE);
        assertEquals("retrain-ncm_fc", Checkpoint.readState(r.checkpoint()).stage());
        assertTrue(r.lossCurve().isEmpty());
        ClassifierRetrainerTest.assertFrozenExceptClassifier(base, r.checkpoint());
        Map<String, byte[]> after = ClassifierRetrainerTest.arrays(r.checkpoint());
        float[] w = floats(after.get("cls.w"));
        float[] b = floats(after.get("cls.b"));
        int dim = w.length / b.length;
        for (int l = 0; l < b.length; l++) {
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                sq += (double) w[l * dim + j] * w[l * dim + j];
                // fc features are ReLU outputs, so their means are too
                assertTrue(w[l * dim + j] >= 0, "label " + l);
            }
            if (b[l] != NearestClassMean.ABSENT_BIAS) {
                assertEquals(-sq / 2, b[l], 1e-4 * Math.max(1, sq));
            }
        }
        LvisResults results =
                Inference.predict(r.checkpoint(), settings, TinyDetectorData.val(), TinyDetectorData.images(), null);
        double ap = new LvisEvaluator(TinyDetectorData.val(), "val.json")
                .evaluate(results, "ncm_fc")
                .metrics()
                .ap();
        assertTrue(ap >= 0 && ap <= 1, "AP " + ap);
    }

    private static float[] floats(byte[] raw) {
        float[] out = new float[raw.length / 4];
        ByteBuffer.wrap(raw).asFloatBuffer().get(out);
        return out;
    }
}

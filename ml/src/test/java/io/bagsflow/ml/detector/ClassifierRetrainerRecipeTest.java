package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.ModelKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The official-recipe options of retraining, on the tiny base model. */
class ClassifierRetrainerRecipeTest {

    @Test
    void theBagsClassifierStartsRandomByDefaultAndFromTheBaseOnRequest() throws IOException {
        // one step at a negligible rate leaves the initialisation as it was drawn
        DetectorConfig oneStep = DetectorConfig.preset("tiny")
                .with(Map.of("schedule", "legacy", "retrainIterations", 1, "retrainLearningRate", 1e-12));
        Map<String, byte[]> random = retrained(oneStep, "init-random");
        float[] w = floats(random.get("cls.w"));
        assertEquals((10 + 4 + 2) * 64, w.length);
        double mean = Arrays.stream(toDoubles(w)).average().orElseThrow();
        double std = Math.sqrt(
                Arrays.stream(toDoubles(w)).map(v -> (v - mean) * (v - mean)).sum() / w.length);
        // 1024 draws of N(0, 0.01): the mean's standard error is 3e-4, the std's about 2 %
        assertEquals(0, mean, 1.2e-3);
        assertEquals(0.01, std, 1e-3);
        for (float b : floats(random.get("cls.b"))) {
            assertEquals(0, b, 1e-9);
        }
        // from_base: group 0's background row is the base classifier's background row
        Map<String, byte[]> fromBase = retrained(oneStep.with("init", "from_base"), "init-base");
        float[] baseW = floats(ClassifierRetrainerTest.arrays(TinyDetectorData.baseCheckpoint())
                .get("cls.w"));
        assertArrayEquals(Arrays.copyOf(baseW, 64), Arrays.copyOf(floats(fromBase.get("cls.w")), 64), 1e-6f);
    }

    @ParameterizedTest
    @EnumSource(
            value = ModelKind.class,
            names = {"CONTROL", "CRT", "RFS", "REWEIGHT_CLS", "FOCAL_CLS", "BALANCED_SOFTMAX", "EQLV2"})
    void everyPlainClassifierStartsAsTheOneInitPolicySays(ModelKind method) throws IOException {
        DetectorConfig oneStep = DetectorConfig.preset("tiny")
                .with(Map.of("schedule", "legacy", "retrainIterations", 1, "retrainLearningRate", 1e-12));
        float[] baseW = floats(ClassifierRetrainerTest.arrays(TinyDetectorData.baseCheckpoint())
                .get("cls.w"));
        // random (the default, Kang et al.'s cRT and the official BAGS): N(0, 0.01), zero bias, as the grouped head
        Map<String, byte[]> random = retrained(method, oneStep, method.kind() + "-init-random");
        float[] w = floats(random.get("cls.w"));
        assertEquals(baseW.length, w.length);
        double mean = Arrays.stream(toDoubles(w)).average().orElseThrow();
        double std = Math.sqrt(
                Arrays.stream(toDoubles(w)).map(v -> (v - mean) * (v - mean)).sum() / w.length);
        assertEquals(0, mean, 1.5e-3);
        assertEquals(0.01, std, 1e-3);
        for (float b : floats(random.get("cls.b"))) {
            assertEquals(0, b, 1e-9);
        }
        // from_base: the base classifier itself
        Map<String, byte[]> fromBase = retrained(method, oneStep.with("init", "from_base"), method.kind() + "-init-b");
        assertArrayEquals(baseW, floats(fromBase.get("cls.w")), 1e-6f);
    }

    @Test
    void lwsKeepsTheBaseClassifierWhateverTheInitPolicy() throws IOException {
        DetectorConfig oneStep = DetectorConfig.preset("tiny")
                .with(Map.of("schedule", "legacy", "retrainIterations", 1, "retrainLearningRate", 1e-12));
        float[] baseW = floats(ClassifierRetrainerTest.arrays(TinyDetectorData.baseCheckpoint())
                .get("cls.w"));
        Map<String, byte[]> lws = retrained(ModelKind.LWS, oneStep, "lws-init");
        assertArrayEquals(baseW, floats(lws.get("cls.w")), 1e-6f);
        assertFalse(lws.containsKey("cls.s"), "the scales are folded into the rows");
    }

    @Test
    void theWholeHeadTrainsWithTheClassifierAndTheRestStaysFrozen() throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        DetectorConfig config = DetectorConfig.preset("tiny")
                .with(Map.of("trainHead", true, "schedule", "legacy", "retrainIterations", 3));
        TrainingOutcome r = ClassifierRetrainer.retrain(
                ModelKind.BAGS,
                config,
                base,
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("head"),
                TrainingHooks.NONE);
        Map<String, byte[]> before = ClassifierRetrainerTest.arrays(base);
        Map<String, byte[]> after = ClassifierRetrainerTest.arrays(r.checkpoint());
        for (String name : before.keySet()) {
            boolean trains = name.startsWith("head.") || name.startsWith("cls.");
            assertEquals(trains, !Arrays.equals(before.get(name), after.get(name)), name);
        }
        assertTrue(before.containsKey("head.reg.w"));
        assertTrue(
                r.lossCurve().get(0).losses().containsKey("box"), r.lossCurve().toString());
    }

    @Test
    void theCheckpointCountsTheScheduledSteps() {
        // official on tiny: 100 base steps x 4 images / 8 per step = 50, per-shard loss and inverse-count weights
        DetectorConfig config = DetectorConfig.preset("tiny").with("groupLossWeights", "inverse_count");
        TrainingOutcome r = ClassifierRetrainer.retrain(
                ModelKind.BAGS,
                config,
                TinyDetectorData.baseCheckpoint(),
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("official"),
                TrainingHooks.NONE);
        assertEquals(50, Checkpoint.readState(r.checkpoint()).iteration());
        assertEquals(0, r.skippedSteps());
        assertFalse(r.lossCurve().isEmpty());
    }

    private static Map<String, byte[]> retrained(DetectorConfig config, String dir) throws IOException {
        return retrained(ModelKind.BAGS, config, dir);
    }

    private static Map<String, byte[]> retrained(ModelKind method, DetectorConfig config, String dir)
            throws IOException {
        TrainingOutcome r = ClassifierRetrainer.retrain(
                method,
                config,
                TinyDetectorData.baseCheckpoint(),
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir(dir),
                TrainingHooks.NONE);
        return ClassifierRetrainerTest.arrays(r.checkpoint());
    }

    private static float[] floats(byte[] raw) {
        float[] out = new float[raw.length / 4];
        ByteBuffer.wrap(raw).asFloatBuffer().get(out);
        return out;
    }

    private static double[] toDoubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}

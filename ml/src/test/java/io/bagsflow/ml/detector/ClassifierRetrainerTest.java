package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.model.ModelKind;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierRetrainerTest {

    @ParameterizedTest
    @MethodSource("classifierMethods")
    void everyWeightButTheClassifierStaysBitIdentical(ModelKind method) throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        TrainingOutcome r = ClassifierRetrainer.retrain(
                method,
                DetectorConfig.preset("tiny"),
                base,
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir(method.name()),
                TrainingHooks.NONE);
        assertFrozenExceptClassifier(base, r.checkpoint());
        assertEquals(0, r.skippedSteps());
        assertEquals(10, r.lossCurve().size());
    }

    /** Every kind that trains the classifier alone (tau-norm trains nothing, the "all" rows train everything). */
    static java.util.stream.Stream<ModelKind> classifierMethods() {
        return java.util.Arrays.stream(ModelKind.values())
                .filter(m -> m.retrains() && m.scope() == ModelKind.Scope.CLASSIFIER);
    }

    @Test
    void theBagsLossFallsFromItsInitialisation() {
        // the grouped classifier starts random (the official init), so its loss starts near log K per group
        TrainingOutcome r = ClassifierRetrainer.retrain(
                ModelKind.BAGS,
                DetectorConfig.preset("tiny"),
                TinyDetectorData.baseCheckpoint(),
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("bags-falls"),
                TrainingHooks.NONE);
        double first = r.lossCurve().get(0).total();
        double last = r.lossCurve().get(r.lossCurve().size() - 1).total();
        assertTrue(last < 0.7 * first, "BAGS loss " + first + " -> " + last);
    }

    @Test
    void theFullPathAlsoLeavesEverythingButTheClassifierAlone() throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        DetectorConfig config = DetectorConfig.preset("tiny")
                .with("retrainFromCache", false)
                .with("schedule", "legacy")
                .with("retrainIterations", 10);
        TrainingOutcome r = ClassifierRetrainer.retrain(
                ModelKind.BAGS,
                config,
                base,
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("full"),
                TrainingHooks.NONE);
        assertFrozenExceptClassifier(base, r.checkpoint());
    }

    @Test
    void theBagsClassifierHasOneLogitPerClassGroupAndBackground() {
        BagsGroups groups = TinyDetectorData.groups();
        TrainingOutcome r = ClassifierRetrainer.retrain(
                ModelKind.BAGS,
                DetectorConfig.preset("tiny").with(Map.of("schedule", "legacy", "retrainIterations", 5)),
                TinyDetectorData.baseCheckpoint(),
                groups,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("shape"),
                TrainingHooks.NONE);
        Checkpoint.State state = Checkpoint.readState(r.checkpoint());
        assertEquals("retrain-bags", state.stage());
        assertTrue(state.classifier().grouped());
        // C + G + 2 with C = 10 classes and G = 4 bins
        assertEquals(10 + 4 + 2, state.classifier().logits());
        assertEquals(groups.totalLogits(), state.classifier().logits());
        float[] norms = ClassifierWeightNorms.of(r.checkpoint());
        assertEquals(10, norms.length);
        for (float n : norms) {
            assertTrue(n > 0, "zero norm in " + Arrays.toString(norms));
        }
    }

    @Test
    void bagsNeedsItsGroups() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ClassifierRetrainer.retrain(
                        ModelKind.BAGS,
                        DetectorConfig.preset("tiny"),
                        TinyDetectorData.baseCheckpoint(),
                        null,
                        TinyDetectorData.train(),
                        TinyDetectorData.images(),
                        TinyDetectorData.newDir("nogroups"),
                        TrainingHooks.NONE));
        assertTrue(e.getMessage().contains("groups"), e.getMessage());
    }

    /** Every array of the checkpoint's parameters but cls.w and cls.b equals the base's bit for bit. */
    static void assertFrozenExceptClassifier(Path base, Path retrained) throws IOException {
        Map<String, byte[]> a = arrays(base);
        Map<String, byte[]> b = arrays(retrained);
        assertEquals(a.keySet(), b.keySet());
        int compared = 0;
        for (String name : a.keySet()) {
            if (name.startsWith("cls.")) {
                assertFalse(Arrays.equals(a.get(name), b.get(name)), name + " did not change");
            } else {
                assertArrayEquals(a.get(name), b.get(name), name + " changed");
                compared++;
            }
        }
        // backbone, BatchNorm statistics included, RPN and box head
        assertTrue(a.keySet().stream().anyMatch(n -> n.endsWith(".bn.mean")));
        assertTrue(compared > 20, "compared " + compared);
    }

    /** Name to raw bytes of each array in a checkpoint's parameters.bin. */
    static Map<String, byte[]> arrays(Path checkpoint) throws IOException {
        DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(BaseTrainerTest.entry(checkpoint, "parameters.bin")));
        in.readInt();
        int n = in.readInt();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            String name = in.readUTF();
            in.readBoolean();
            int dims = in.readInt();
            for (int d = 0; d < dims; d++) {
                in.readLong();
            }
            int count = in.readInt();
            out.put(name, in.readNBytes(4 * count));
        }
        return out;
    }
}

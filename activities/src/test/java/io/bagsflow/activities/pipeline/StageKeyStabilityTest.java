package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.bagsflow.ml.detector.DetectorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The detector settings as they enter the stage keys must not drift: trained models are found again through these
 * keys, so a changed key silently retrains everything. The expected JSON under {@code stage-keys/} was computed by
 * the code before the field groups moved out of hand-written string sets; a deliberate change of a key (a new
 * field, a field moved to another group) updates these files in the same commit and says so.
 */
class StageKeyStabilityTest {

    /** The tiny preset with one setting changed in each group: model, placement, retraining, inference. */
    private static final DetectorConfig TINY_CHANGED = DetectorConfig.preset("tiny")
            .with(Map.of("device", "cpu", "retrainIterations", 7, "nmsIou", 0.4, "iterations", 123));

    @Test
    void theDefaultConfigEntersTheKeysAsBefore() throws IOException {
        DetectorConfig defaults = DetectorConfig.defaults();
        assertEquals(expected("default-base"), DetectorConfigs.baseKey(defaults));
        assertEquals(expected("default-retrain"), DetectorConfigs.retrainKey(defaults));
        assertEquals(expected("default-inference"), DetectorConfigs.inferenceKey(defaults));
    }

    @Test
    void eachKeyKeepsItsOwnGroupsOfAChangedConfig() throws IOException {
        assertEquals(expected("tiny-changed-base"), DetectorConfigs.baseKey(TINY_CHANGED));
        assertEquals(expected("tiny-changed-retrain"), DetectorConfigs.retrainKey(TINY_CHANGED));
        assertEquals(expected("tiny-changed-inference"), DetectorConfigs.inferenceKey(TINY_CHANGED));
    }

    private static String expected(String name) throws IOException {
        try (InputStream in = StageKeyStabilityTest.class.getResourceAsStream("/stage-keys/" + name + ".json")) {
            assertNotNull(in, "test resource stage-keys/" + name + ".json");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        }
    }
}

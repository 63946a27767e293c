package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorConfigTest {

    @Test
    void absentFieldsTakeTheirDefaults() {
        DetectorConfig c = DetectorConfig.fromJson("{\"iterations\": 500, \"learningRate\": 0.01}");
        assertEquals(500, c.iterations());
        assertEquals(0.01, c.learningRate());
        assertEquals(96, c.imageSize());
        assertEquals(0.9, c.momentum());
        assertEquals(List.of(32, 64, 128), c.backboneChannels());
        assertEquals(ComputeDevice.AUTO, c.device());
    }

    @Test
    void roundTripsThroughJson() {
        DetectorConfig medium = DetectorConfig.preset("medium");
        assertEquals(medium, DetectorConfig.fromJson(medium.toJson()));
    }

    @Test
    void presetsMatchTheSyntheticDatasets() {
        assertEquals(64, DetectorConfig.preset("tiny").imageSize());
        assertEquals(96, DetectorConfig.preset("small").imageSize());
        assertEquals(256, DetectorConfig.preset("medium").imageSize());
        assertEquals(BackboneKind.RESNET, DetectorConfig.preset("medium").backbone());
        assertEquals("tiny", DetectorConfig.preset("tiny").preset());
    }

    @Test
    void withChangesOneFieldAndRejectsUnknownOnes() {
        DetectorConfig c = DetectorConfig.preset("tiny").with("iterations", 7);
        assertEquals(7, c.iterations());
        assertEquals(64, c.imageSize());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DetectorConfig.defaults().with("iteratons", 7));
        assertTrue(e.getMessage().contains("iteratons"), e.getMessage());
    }

    @Test
    void resumingChecksOnlyFieldsThatChangeTraining() {
        DetectorConfig a = DetectorConfig.preset("small");
        assertEquals(
                List.of(),
                a.differencesAffectingTraining(a.with("device", "cpu").with("checkpointInterval", 7)));
        assertEquals(List.of("batchSize"), a.differencesAffectingTraining(a.with("batchSize", 4)));
    }

    @Test
    void mismatchedBackboneListsFail() {
        assertThrows(
                IllegalArgumentException.class, () -> DetectorConfig.defaults().with("backboneBlocks", List.of(1, 1)));
    }
}

package io.bagsflow.model.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecOverridesTest {

    private final PipelineSpec local = new PipelineSpec(
                    new DatasetSpec(null, "/data/train.json", "/data/val.json", "/data/images"),
                    null,
                    Map.of("preset", "small"),
                    null,
                    null,
                    null,
                    null,
                    null)
            .withDefaults();

    @Test
    void aDatasetAloneGetsEveryDefault() {
        PipelineSpec spec = new PipelineSpec(
                        new DatasetSpec(new SynthSpec("tiny", null), null, null, null),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null)
                .withDefaults();
        assertEquals(7L, spec.dataset().synth().seed());
        assertEquals("synth:tiny:7", spec.dataset().label());
        assertEquals(List.of(0, 10, 100, 1000), spec.groups().bins());
        assertEquals(List.of("bags", "control", "crt", "rfs"), spec.kinds());
        assertEquals(60, spec.timeouts().heartbeatSeconds());
        assertEquals(10, spec.timeouts().maxAttempts());
        assertTrue(spec.reuseEnabled());
    }

    @Test
    void overridesSetNumbersStringsListsAndNewMapKeys() {
        PipelineSpec spec = SpecOverrides.apply(
                local,
                Map.of(
                        "dataset.val", "/data/val-fixed.json",
                        "detector.learningRate", "0.005",
                        "groups.bins", "[0,5,50]",
                        "reuse", "false"));
        assertEquals("/data/val-fixed.json", spec.dataset().val());
        assertEquals(0.005, spec.detector().get("learningRate"));
        assertEquals("small", spec.detector().get("preset"));
        assertEquals(List.of(0, 5, 50), spec.groups().bins());
        assertEquals(false, spec.reuse());
        assertEquals("/data/train.json", spec.dataset().train());
    }

    @Test
    void anUnknownKeyIsRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SpecOverrides.apply(local, Map.of("dataset.validation", "/x.json")));
        assertTrue(e.getMessage().contains("validation"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpecOverrides.apply(local, Map.of("dataset.val.x", "1")));
    }
}

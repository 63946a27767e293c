package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainScheduleTest {

    @Test
    void theOfficialScheduleSeesTheBaseImagesWithWarmUpAndStepsAtEpochsEightAndEleven() {
        // small: base 3000 steps x 8 images = 24,000 images = 1500 fine-tune steps of 16 images
        DetectorConfig small = DetectorConfig.preset("small");
        RetrainSchedule s = RetrainSchedule.of(small);
        assertEquals(1500, s.iterations());
        assertEquals(0.01, s.learningRate(), 1e-15);
        // 500 of ~42,950 official steps: 1500 x 0.01164 = 17.5 -> 17 warm-up steps, from a third of the rate
        assertEquals(17, s.warmupIterations());
        assertEquals(0.01 / 3, s.at(0), 1e-12);
        assertEquals(0.01 / 3 + (0.01 - 0.01 / 3) * 8 / 17, s.at(8), 1e-12);
        assertEquals(0.01, s.at(17), 1e-15);
        // steps at 8/12 and 11/12 of 1500
        assertArrayEquals(new int[] {1000, 1375}, s.stepIterations());
        assertEquals(0.01, s.at(999), 1e-15);
        assertEquals(0.001, s.at(1000), 1e-15);
        assertEquals(0.001, s.at(1374), 1e-15);
        assertEquals(0.0001, s.at(1375), 1e-15);
        assertEquals(0.0001, s.at(1499), 1e-15);
    }

    @Test
    void theOfficialRateScalesLinearlyWithTheImagesPerStep() {
        RetrainSchedule s = RetrainSchedule.of(DetectorConfig.preset("small").with("retrainImagesPerBatch", 32));
        assertEquals(750, s.iterations());
        assertEquals(0.02, s.learningRate(), 1e-15);
        assertEquals(9, s.warmupIterations());
        // tiny: 100 x 4 base images over 8 per step; the warm-up is at least one step
        RetrainSchedule tiny = RetrainSchedule.of(DetectorConfig.preset("tiny"));
        assertEquals(50, tiny.iterations());
        assertEquals(0.005, tiny.learningRate(), 1e-15);
        assertEquals(1, tiny.warmupIterations());
        assertArrayEquals(new int[] {33, 46}, tiny.stepIterations());
    }

    @Test
    void theLegacyScheduleIsTheFirstRecipe() {
        RetrainSchedule s = RetrainSchedule.of(DetectorConfig.preset("small").with("schedule", "legacy"));
        assertEquals(new RetrainSchedule(600, 0.02, 0, 1.0, List.of(0.75, 0.92), 0.1), s);
        assertEquals(0.02, s.at(0), 1e-15);
        assertArrayEquals(new int[] {450, 552}, s.stepIterations());
        assertEquals(0.002, s.at(450), 1e-15);
    }

    @Test
    void unknownRecipeNamesAreRefusedWithTheirChoices() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> DetectorConfig.defaults().with("schedule", "1x"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("official, legacy"), e.getMessage());
    }
}

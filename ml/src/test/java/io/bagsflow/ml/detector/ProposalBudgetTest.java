package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProposalBudgetTest {

    @Test
    void aProposalCountFarBelowTheOfficialRatioToTheDetectionCapIsNamed() {
        // small: 50 proposals for 300 detections is 0.17 per detection, under a tenth of 1000 / 300
        String w = ProposalBudget.warning(DetectorConfig.preset("small")).orElseThrow();
        assertTrue(
                w.contains("rpnPostNmsTest = 50")
                        && w.contains("maxDetections = 300")
                        && w.contains("0.17")
                        && w.contains("3.33"),
                w);
        // tiny (50 / 100) and medium (300 / 300) are within a factor of ten of it
        assertTrue(ProposalBudget.warning(DetectorConfig.preset("tiny")).isEmpty());
        assertTrue(ProposalBudget.warning(DetectorConfig.preset("medium")).isEmpty());
        // the official numbers themselves, and the edge: 100 for 300 is exactly a tenth
        assertTrue(ProposalBudget.warning(DetectorConfig.preset("small").with("rpnPostNmsTest", 1000))
                .isEmpty());
        assertTrue(ProposalBudget.warning(DetectorConfig.preset("small").with("rpnPostNmsTest", 100))
                .isEmpty());
        assertTrue(ProposalBudget.warning(DetectorConfig.preset("small").with("rpnPostNmsTest", 99))
                .isPresent());
        assertEquals(50.0 / 300, ProposalBudget.ratio(DetectorConfig.preset("small")), 1e-15);
    }
}

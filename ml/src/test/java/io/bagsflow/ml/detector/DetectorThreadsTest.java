package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DetectorThreadsTest {

    @Test
    void aConfiguredCountWins() {
        assertEquals(3, DetectorThreads.resolve(3, "2", "4", 16));
    }

    @Test
    void theProcessShareComesNextThenTheCoresUpToTheCap() {
        assertEquals(2, DetectorThreads.resolve(0, "2", null, 16));
        assertEquals(2, DetectorThreads.resolve(0, null, null, 2));
        assertEquals(DetectorThreads.CAP, DetectorThreads.resolve(0, null, null, 64));
    }

    @Test
    void workersSharingAHostSplitItsCores() {
        assertEquals(4, DetectorThreads.resolve(0, null, "2", 8));
        assertEquals(1, DetectorThreads.resolve(0, null, "4", 2));
    }

    @Test
    void badSettingsNameTheVariable() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DetectorThreads.resolve(0, "many", null, 2));
        assertTrue(e.getMessage().contains("BAGSFLOW_THREADS") && e.getMessage().contains("many"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DetectorThreads.resolve(0, null, "0", 2));
        assertTrue(e.getMessage().contains("BAGSFLOW_WORKERS_PER_HOST"), e.getMessage());
    }
}

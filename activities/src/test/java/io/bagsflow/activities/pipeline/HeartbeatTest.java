package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The background beat keeps a stage alive whatever heartbeat timeout its spec chose. */
class HeartbeatTest {

    @Test
    void theBeatComesAtLeastThreeTimesPerHeartbeatTimeout() {
        // the smallest timeout a spec allows (timeouts.heartbeat_seconds = 2) and the tests' 4 s
        assertEquals(666, Heartbeat.keepAliveMillis(Duration.ofSeconds(2)));
        assertEquals(1333, Heartbeat.keepAliveMillis(Duration.ofSeconds(4)));
        for (int seconds = 2; seconds <= 120; seconds++) {
            Duration timeout = Duration.ofSeconds(seconds);
            assertTrue(Heartbeat.keepAliveMillis(timeout) * 3 <= timeout.toMillis(), timeout.toString());
        }
    }

    @Test
    void longTimeoutsStillBeatEveryFiveSeconds() {
        assertEquals(5_000, Heartbeat.keepAliveMillis(Duration.ofSeconds(60)));
        assertEquals(5_000, Heartbeat.keepAliveMillis(Duration.ZERO), "no heartbeat timeout set");
        assertEquals(5_000, Heartbeat.keepAliveMillis(null));
    }

    @Test
    void aWorkerShuttingDownStopsTheWorkAtItsNextProgressReport() {
        // BagsflowWorker.close interrupts its activity threads; the work learns of it when it next reports
        try (Heartbeat beat = new Heartbeat(null, "TRAIN_BASE base")) {
            beat.beat(Map.of("step", 1));
            Thread.currentThread().interrupt();
            WorkerStoppedException stopped =
                    assertThrows(WorkerStoppedException.class, () -> beat.beat(Map.of("step", 2)));
            assertTrue(stopped.getMessage().contains("TRAIN_BASE base"), stopped.getMessage());
            assertFalse(Thread.interrupted(), "the interrupt is consumed: recording the failure must not see it");
        }
    }
}

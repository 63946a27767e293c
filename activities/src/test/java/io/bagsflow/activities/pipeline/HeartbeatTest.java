package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
}

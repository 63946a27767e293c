package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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

    @Test
    void progressThatCannotBeRecordedForLongerThanTheHeartbeatTimeoutEndsTheWork() {
        AtomicLong now = new AtomicLong(1_000);
        try (Heartbeat beat = new Heartbeat(null, "TRAIN_BASE base", Duration.ofSeconds(60), now::get)) {
            beat.recordingFailed(Heartbeat.DATABASE, "connection refused");
            now.addAndGet(Duration.ofSeconds(60).toNanos());
            beat.beat(Map.of("step", 1)); // exactly the timeout: still alive
            now.addAndGet(1);
            ProgressLostException lost = assertThrows(ProgressLostException.class, () -> beat.beat(Map.of("step", 2)));
            assertTrue(
                    lost.getMessage().startsWith("worker lost: the database could not be reached for 60 s"),
                    lost.getMessage());
            assertEquals("WorkerLost", Failures.errorClass(lost));
            beat.recorded(Heartbeat.DATABASE);
            assertThrows(ProgressLostException.class, () -> beat.beat(Map.of("step", 3)), "lost for good");
            assertThrows(ProgressLostException.class, beat::finishing, "nor may it record a success");
        }
    }

    @Test
    void aRecordThatGetsThroughInBetweenStartsTheCountAgain() {
        AtomicLong now = new AtomicLong(1_000);
        try (Heartbeat beat = new Heartbeat(null, "TRAIN_BASE base", Duration.ofSeconds(60), now::get)) {
            beat.recordingFailed(Heartbeat.DATABASE, "connection refused");
            now.addAndGet(Duration.ofSeconds(50).toNanos());
            beat.recorded(Heartbeat.DATABASE);
            beat.recordingFailed(Heartbeat.DATABASE, "connection refused");
            now.addAndGet(Duration.ofSeconds(50).toNanos());
            beat.beat(Map.of("step", 1));
            assertEquals(null, beat.lost());
            // one source failing is enough, whatever the other does
            beat.recordingFailed("the S3 server", "connection refused");
            now.addAndGet(Duration.ofSeconds(61).toNanos());
            assertTrue(beat.lost().startsWith("the "), beat.lost());
        }
    }

    @Test
    void onceTheWorkIsDoneItsEndIsRecordedWhateverFailsAfter() {
        AtomicLong now = new AtomicLong(1_000);
        try (Heartbeat beat = new Heartbeat(null, "TRAIN_BASE base", Duration.ofSeconds(60), now::get)) {
            beat.recordingFailed("the S3 server", "connection refused");
            beat.finishing();
            now.addAndGet(Duration.ofSeconds(600).toNanos());
            assertEquals(null, beat.lost(), "the closing write waits out its outage heartbeating, as before");
        }
    }

    @Test
    void withoutAHeartbeatTimeoutTheBeatsNeverStop() {
        AtomicLong now = new AtomicLong(1_000);
        try (Heartbeat beat = new Heartbeat(null, "TRAIN_BASE base", Duration.ZERO, now::get)) {
            beat.recordingFailed("the S3 server", "connection refused");
            now.addAndGet(Duration.ofDays(1).toNanos());
            beat.beat(Map.of("step", 1));
            assertEquals(null, beat.lost());
        }
    }
}

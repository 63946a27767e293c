package io.bagsflow.activities.pipeline;

import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.db.StorageRepository.CheckpointRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an attempt's progress row and checkpoint rows from a background thread, best effort: the work only hands
 * over its latest state, so a slow or restarting database never stops training. A write that fails is kept and
 * tried again (every {@value #EVERY_MILLIS} ms, backing off to 30 s while the database is away); whatever is still
 * pending when the attempt ends goes into the transaction that closes it.
 */
final class ProgressWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProgressWriter.class);
    /** Progress rows are written at most this often. */
    static final long EVERY_MILLIS = 2_000;

    private static final long LONGEST_PAUSE_MILLIS = 30_000;

    private final long attemptId;
    private final AttemptRepository attempts;
    private final StorageRepository storage;
    private final Supplier<String> state;
    /** Told whether writes get through: an attempt that cannot record its progress for long stops heartbeating. */
    private final Heartbeat heartbeat;

    private final Object lock = new Object();
    private final List<CheckpointRecord> pendingCheckpoints = new ArrayList<>();
    private final Thread thread;
    private long version;
    private long written;
    private boolean urgent;

    ProgressWriter(
            long attemptId,
            AttemptRepository attempts,
            StorageRepository storage,
            Supplier<String> state,
            Heartbeat heartbeat) {
        this.attemptId = attemptId;
        this.attempts = attempts;
        this.storage = storage;
        this.state = state;
        this.heartbeat = heartbeat;
        this.thread = new Thread(this::loop, "progress-" + attemptId);
        thread.setDaemon(true);
        thread.start();
    }

    /** The state changed; it is written within {@value #EVERY_MILLIS} ms if the database answers. */
    void changed() {
        synchronized (lock) {
            version++;
        }
    }

    /** A checkpoint is in the artifact store: recorded as soon as possible (a retried attempt resumes from it). */
    void checkpoint(CheckpointRecord checkpoint) {
        synchronized (lock) {
            pendingCheckpoints.add(checkpoint);
            version++;
            urgent = true;
            lock.notifyAll();
        }
    }

    /** Checkpoints not yet recorded, for the closing transaction. */
    List<CheckpointRecord> pendingCheckpoints() {
        synchronized (lock) {
            return List.copyOf(pendingCheckpoints);
        }
    }

    private void loop() {
        long pause = EVERY_MILLIS;
        boolean warned = false;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (lock) {
                    if (!urgent) {
                        lock.wait(pause);
                    }
                    urgent = false;
                }
                try {
                    writeOnce();
                    heartbeat.recorded(Heartbeat.DATABASE);
                    if (warned) {
                        log.info("progress of attempt {} is written again", attemptId);
                    }
                    pause = EVERY_MILLIS;
                    warned = false;
                } catch (RuntimeException e) {
                    heartbeat.recordingFailed(Heartbeat.DATABASE, e.getMessage());
                    if (!warned) {
                        log.warn(
                                "cannot write the progress of attempt {} (training goes on; retrying): {}",
                                attemptId,
                                e.getMessage());
                        warned = true;
                    }
                    pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
                }
            }
        } catch (InterruptedException stopped) {
            // the attempt ended; its closing transaction writes the final state
        }
    }

    private void writeOnce() {
        List<CheckpointRecord> checkpoints;
        long v;
        synchronized (lock) {
            checkpoints = List.copyOf(pendingCheckpoints);
            v = version;
        }
        for (CheckpointRecord k : checkpoints) {
            storage.recordCheckpoint(k.attemptId(), k.iteration(), k.sha256(), k.sizeBytes());
            synchronized (lock) {
                pendingCheckpoints.remove(k);
            }
        }
        if (v != written) {
            attempts.updateProgress(attemptId, state.get());
            written = v;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

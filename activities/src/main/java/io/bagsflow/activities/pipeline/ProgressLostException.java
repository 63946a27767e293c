package io.bagsflow.activities.pipeline;

/**
 * The attempt could not record its progress (progress rows, checkpoints) for longer than its heartbeat timeout, so
 * its heartbeats stopped and Temporal gives the part to another worker; the work stops at its next progress report.
 * Recorded as {@code WorkerLost}: from the run's point of view this worker is lost, whatever it still computes.
 */
final class ProgressLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ProgressLostException(String part, String why) {
        super("worker lost: " + why + " while " + part + " ran; its heartbeats stopped so that the part runs again on"
                + " a worker that can record it");
    }
}

package io.bagsflow.activities.pipeline;

/**
 * The worker's process is shutting down: its Temporal worker interrupted the activity thread, and the work stops at
 * its next progress report. Recorded as {@code WorkerStopped}; Temporal runs the part again.
 */
final class WorkerStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    WorkerStoppedException(String part) {
        super("the worker stopped (its process is shutting down) while " + part + " ran; it runs again on a worker");
    }
}

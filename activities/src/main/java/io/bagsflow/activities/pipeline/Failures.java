package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.CorruptArtifactException;
import io.bagsflow.activities.OutageException;
import io.bagsflow.ml.BadInputException;
import io.bagsflow.model.Causes;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.Stage;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.nio.channels.ClosedByInterruptException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one translation from what a stage part threw to what its attempt records ({@link #errorClass}, {@link
 * #message}) and what Temporal gets ({@link #translate}: a retryable or non-retryable failure of a {@link
 * FailureType}, or the SDK's own exception unchanged). Kept apart from {@link StageRunner} so that the mapping can be
 * read and tested on its own, without a database or an activity.
 */
public final class Failures {

    private Failures() {}

    /**
     * As {@link #translate(Exception)}, and corrupt input bytes that an earlier stage of this run produced become a
     * non-retryable {@link FailureType#CorruptInput} failure with details (that stage, the hash): a retry could not
     * help, the earlier stage must make them again. Corrupt bytes of the stage's own (a resume checkpoint, its own
     * output) stay retryable: the retry makes them again.
     *
     * @param producerOf the stage of this run that produced the bytes with a hash, if any; a lookup that throws is
     *     kept as a suppressed exception of {@code e} and counts as no producer
     */
    public static RuntimeException translate(Exception e, Stage stage, Function<String, Optional<Stage>> producerOf) {
        Optional<CorruptArtifactException> corrupt = Causes.find(e, CorruptArtifactException.class);
        if (corrupt.isPresent()) {
            String sha = corrupt.get().expectedSha256();
            Optional<Stage> producer = Optional.empty();
            try {
                producer = producerOf.apply(sha).filter(p -> p.ordinal() < stage.ordinal());
            } catch (RuntimeException lookup) {
                e.addSuppressed(lookup);
            }
            if (producer.isPresent()) {
                return ApplicationFailure.newNonRetryableFailureWithCause(
                        message(e), FailureType.CorruptInput.name(), e, producer.get(), sha);
            }
        }
        return translate(e);
    }

    /** Bad input fails for good; cancellation passes through; anything else is retried by Temporal. */
    public static RuntimeException translate(Exception e) {
        if (e instanceof ActivityCompletionException || e instanceof ApplicationFailure) {
            return (RuntimeException) e;
        }
        if (isInvalidInput(e)) {
            // BENIGN: an expected failure the user fixes; Temporal logs it at DEBUG instead of a WARN with two stack
            // traces on the `up` terminal (the attempt's own one-line warning says what is wrong)
            return ApplicationFailure.newBuilder()
                    .setMessage(message(e))
                    .setType(FailureType.InvalidInput.name())
                    .setNonRetryable(true)
                    .setCause(e)
                    .setCategory(ApplicationErrorCategory.BENIGN)
                    .build();
        }
        return ApplicationFailure.newFailureWithCause(message(e), errorClass(e), e);
    }

    /**
     * Failures that a retry would repeat: bad input (see {@link BadInputException}: also training that diverged,
     * which the user retries with changed settings, such as a lower learning rate).
     */
    static boolean isInvalidInput(Throwable e) {
        return e instanceof BadInputException;
    }

    /**
     * What a failed attempt records as its error class (and a retryable failure carries as its Temporal type): the
     * name of its {@link FailureType}, or the Java class name of a failure of no named kind.
     */
    static String errorClass(Throwable e) {
        return failureType(e)
                .map(FailureType::name)
                .orElseGet(() -> e.getClass().getName());
    }

    /** The named kind of a failure, if it has one. */
    static Optional<FailureType> failureType(Throwable e) {
        if (e instanceof ActivityWorkerShutdownException) {
            // the SDK's answer to a heartbeat once the worker shuts down: not a cancellation of the run
            return Optional.of(FailureType.WorkerStopped);
        }
        if (heartbeatTimedOutHere(e)) {
            return Optional.of(FailureType.WorkerLost);
        }
        if (e instanceof ActivityCompletionException) {
            return Optional.of(FailureType.Cancelled);
        }
        if (Causes.find(e, CorruptArtifactException.class).isPresent()) {
            return Optional.of(FailureType.CorruptArtifact);
        }
        if (Causes.find(e, ProgressLostException.class).isPresent()) {
            return Optional.of(FailureType.WorkerLost);
        }
        if (Causes.find(e, WorkerStoppedException.class).isPresent()
                || Causes.find(e, InterruptedException.class).isPresent()
                || Causes.find(e, ClosedByInterruptException.class).isPresent()) {
            // only a worker shutting down interrupts an activity thread; outside a progress report the interrupt
            // surfaces as whatever blocking call it hit
            return Optional.of(FailureType.WorkerStopped);
        }
        Optional<OutageException> outage = Causes.find(e, OutageException.class);
        if (outage.isPresent()) {
            return Optional.of(outage.get().dependency().failureType());
        }
        return isInvalidInput(e) ? Optional.of(FailureType.InvalidInput) : Optional.empty();
    }

    /**
     * The SDK's answer to a heartbeat once its beats have not reached Temporal for longer than the heartbeat timeout
     * (this worker is cut off from Temporal): a cancellation whose cause is a heartbeat timeout. Temporal has given,
     * or soon gives, the part to another worker: this worker is lost to the run, which was not aborted.
     */
    static boolean heartbeatTimedOutHere(Throwable e) {
        return e instanceof ActivityCanceledException
                && e.getCause() instanceof TimeoutFailure t
                && t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_HEARTBEAT;
    }

    /** The one line an attempt records and logs for a failure. */
    static String message(Throwable e) {
        if (heartbeatTimedOutHere(e)) {
            return "worker lost: its heartbeats did not reach Temporal for longer than the heartbeat timeout (cut off"
                    + " from it); the part runs again on another worker";
        }
        if (e instanceof ActivityCanceledException) {
            // Temporal's message lists workflow, run and activity ids: the attempt's record wants the reason
            return "cancelled: the run was aborted";
        }
        if (e instanceof ActivityWorkerShutdownException) {
            return "stopped: the worker is shutting down (Ctrl-C or SIGTERM); the part runs again on a worker";
        }
        if (e instanceof ActivityCompletionException) {
            return "stopped: Temporal no longer expects this attempt (it timed out or the run ended)";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getCause() != null ? message(e.getCause()) : e.getClass().getSimpleName();
        }
        return m;
    }
}

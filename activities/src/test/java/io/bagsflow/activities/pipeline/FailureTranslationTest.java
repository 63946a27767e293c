package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.CorruptArtifactException;
import io.bagsflow.ml.BadInputException;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.Stage;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one translation from what a stage part threw to what its attempt records (error class) and what Temporal
 * gets (a retryable or non-retryable failure of that type, or the SDK's own exception unchanged).
 */
class FailureTranslationTest {

    @Test
    void badInputFailsForGood() {
        RuntimeException out = Failures.translate(new BadInputException("train.json: image 3: width is -1"));

        ApplicationFailure failure = (ApplicationFailure) out;
        assertEquals(FailureType.InvalidInput.name(), failure.getType());
        assertTrue(failure.isNonRetryable());
        // expected: Temporal's activity executor logs a benign failure at DEBUG, not as a WARN with a stack trace
        assertEquals(io.temporal.failure.ApplicationErrorCategory.BENIGN, failure.getCategory());
        assertEquals("train.json: image 3: width is -1", failure.getOriginalMessage());
    }

    @Test
    void corruptBytesAreRetriedUnderTheirOwnType() {
        Exception e = new UncheckedIOException(new IOException("download", new CorruptArtifactException("ab", "cd")));

        ApplicationFailure failure = (ApplicationFailure) Failures.translate(e);
        assertEquals(FailureType.CorruptArtifact.name(), failure.getType());
        assertFalse(failure.isNonRetryable());
    }

    @Test
    void aFailureOfNoNamedKindIsRetriedUnderItsClassName() {
        ApplicationFailure failure = (ApplicationFailure) Failures.translate(new IllegalStateException("boom"));

        assertEquals(IllegalStateException.class.getName(), failure.getType());
        assertFalse(failure.isNonRetryable());
    }

    @Test
    void anAbortIsRecordedAsCancelledAndGoesBackToTemporalUnchanged() {
        ActivityCanceledException abort = new ActivityCanceledException();

        assertEquals(FailureType.Cancelled.name(), Failures.errorClass(abort));
        assertEquals("cancelled: the run was aborted", Failures.message(abort));
        assertSame(abort, Failures.translate(abort));
    }

    @Test
    void aHeartbeatTimeoutSeenByTheWorkerItselfIsRecordedAsWorkerLostNotAsAnAbort() {
        // the SDK's answer to a heartbeat once its beats have not reached Temporal for the heartbeat timeout: a
        // worker cut off from Temporal (NetworkPartitionTest's training host) while the run goes on elsewhere
        ActivityCanceledException cutOff =
                new ActivityCanceledException(null, new TimeoutFailure(null, null, TimeoutType.TIMEOUT_TYPE_HEARTBEAT));

        assertEquals(FailureType.WorkerLost.name(), Failures.errorClass(cutOff));
        assertTrue(Failures.message(cutOff).startsWith("worker lost: "), Failures.message(cutOff));
        assertFalse(Failures.message(cutOff).contains("aborted"), Failures.message(cutOff));
        assertSame(cutOff, Failures.translate(cutOff));
        // a cancellation for another reason is still an abort
        ActivityCanceledException other = new ActivityCanceledException(
                null, new TimeoutFailure(null, null, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE));
        assertEquals(FailureType.Cancelled.name(), Failures.errorClass(other));
    }

    @Test
    void aWorkerShuttingDownIsRecordedAsWorkerStoppedNotAsAnAbort() {
        // the SDK's answer to a heartbeat once the worker shuts down
        ActivityWorkerShutdownException shutdown = new ActivityWorkerShutdownException();
        assertEquals(FailureType.WorkerStopped.name(), Failures.errorClass(shutdown));
        assertTrue(Failures.message(shutdown).contains("shutting down"), Failures.message(shutdown));
        assertSame(shutdown, Failures.translate(shutdown));

        // the interrupt the shutdown sends, seen at a progress report or inside a blocking call
        assertEquals(FailureType.WorkerStopped.name(), Failures.errorClass(new WorkerStoppedException("TRAIN_BASE")));
        Exception blocked = new IllegalStateException("interrupted while loading images", new InterruptedException());
        ApplicationFailure failure = (ApplicationFailure) Failures.translate(blocked);
        assertEquals(FailureType.WorkerStopped.name(), failure.getType());
        assertFalse(failure.isNonRetryable(), "retried: the part runs again on a worker");
    }

    @Test
    void corruptInputMadeByAnEarlierStageFailsForGoodNamingThatStage() {
        Exception e = new UncheckedIOException(new IOException("download", new CorruptArtifactException("ab", "cd")));

        ApplicationFailure failure = (ApplicationFailure) Failures.translate(
                e, Stage.TRAIN_BASE, sha -> "ab".equals(sha) ? Optional.of(Stage.PREPARE) : Optional.empty());
        assertEquals(FailureType.CorruptInput.name(), failure.getType());
        assertTrue(failure.isNonRetryable(), "a retry reads the same bytes: the earlier stage must make them again");
        assertEquals(Stage.PREPARE, failure.getDetails().get(0, Stage.class));
        assertEquals("ab", failure.getDetails().get(1, String.class));
    }

    @Test
    void corruptBytesOfTheStageItselfOrOfAnUnknownMakerStayRetryable() {
        Exception own = new CorruptArtifactException("ab", "cd");
        ApplicationFailure sameStage =
                (ApplicationFailure) Failures.translate(own, Stage.TRAIN_BASE, sha -> Optional.of(Stage.TRAIN_BASE));
        assertEquals(FailureType.CorruptArtifact.name(), sameStage.getType());
        assertFalse(sameStage.isNonRetryable());

        // the lookup itself failing (the database is down) must not hide the corruption: kept beside it
        Exception unknown = new CorruptArtifactException("ab", "cd");
        ApplicationFailure failedLookup = (ApplicationFailure) Failures.translate(unknown, Stage.TRAIN_BASE, sha -> {
            throw new IllegalStateException("database unreachable");
        });
        assertEquals(FailureType.CorruptArtifact.name(), failedLookup.getType());
        assertFalse(failedLookup.isNonRetryable());
        assertEquals("database unreachable", unknown.getSuppressed()[0].getMessage());
    }
}

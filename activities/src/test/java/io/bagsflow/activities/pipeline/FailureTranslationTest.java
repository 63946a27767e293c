package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.CorruptArtifactException;
import io.bagsflow.ml.BadInputException;
import io.bagsflow.model.FailureType;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The one translation from what a stage part threw to what its attempt records (error class) and what Temporal
 * gets (a retryable or non-retryable failure of that type, or the SDK's own exception unchanged).
 */
class FailureTranslationTest {

    @Test
    void badInputFailsForGood() {
        RuntimeException out = StageRunner.translate(new BadInputException("train.json: image 3: width is -1"));

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

        ApplicationFailure failure = (ApplicationFailure) StageRunner.translate(e);
        assertEquals(FailureType.CorruptArtifact.name(), failure.getType());
        assertFalse(failure.isNonRetryable());
    }

    @Test
    void aFailureOfNoNamedKindIsRetriedUnderItsClassName() {
        ApplicationFailure failure = (ApplicationFailure) StageRunner.translate(new IllegalStateException("boom"));

        assertEquals(IllegalStateException.class.getName(), failure.getType());
        assertFalse(failure.isNonRetryable());
    }

    @Test
    void anAbortIsRecordedAsCancelledAndGoesBackToTemporalUnchanged() {
        ActivityCanceledException abort = new ActivityCanceledException();

        assertEquals(FailureType.Cancelled.name(), StageRunner.errorClass(abort));
        assertEquals("cancelled: the run was aborted", StageRunner.message(abort));
        assertSame(abort, StageRunner.translate(abort));
    }

    @Test
    void aHeartbeatTimeoutSeenByTheWorkerItselfIsRecordedAsWorkerLostNotAsAnAbort() {
        // the SDK's answer to a heartbeat once its beats have not reached Temporal for the heartbeat timeout: a
        // worker cut off from Temporal (NetworkPartitionTest's training host) while the run goes on elsewhere
        ActivityCanceledException cutOff =
                new ActivityCanceledException(null, new TimeoutFailure(null, null, TimeoutType.TIMEOUT_TYPE_HEARTBEAT));

        assertEquals(FailureType.WorkerLost.name(), StageRunner.errorClass(cutOff));
        assertTrue(StageRunner.message(cutOff).startsWith("worker lost: "), StageRunner.message(cutOff));
        assertFalse(StageRunner.message(cutOff).contains("aborted"), StageRunner.message(cutOff));
        assertSame(cutOff, StageRunner.translate(cutOff));
        // a cancellation for another reason is still an abort
        ActivityCanceledException other = new ActivityCanceledException(
                null, new TimeoutFailure(null, null, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE));
        assertEquals(FailureType.Cancelled.name(), StageRunner.errorClass(other));
    }

    @Test
    void aWorkerShuttingDownIsRecordedAsWorkerStoppedNotAsAnAbort() {
        // the SDK's answer to a heartbeat once the worker shuts down
        ActivityWorkerShutdownException shutdown = new ActivityWorkerShutdownException();
        assertEquals(FailureType.WorkerStopped.name(), StageRunner.errorClass(shutdown));
        assertTrue(StageRunner.message(shutdown).contains("shutting down"), StageRunner.message(shutdown));
        assertSame(shutdown, StageRunner.translate(shutdown));

        // the interrupt the shutdown sends, seen at a progress report or inside a blocking call
        assertEquals(
                FailureType.WorkerStopped.name(), StageRunner.errorClass(new WorkerStoppedException("TRAIN_BASE")));
        Exception blocked = new IllegalStateException("interrupted while loading images", new InterruptedException());
        ApplicationFailure failure = (ApplicationFailure) StageRunner.translate(blocked);
        assertEquals(FailureType.WorkerStopped.name(), failure.getType());
        assertFalse(failure.isNonRetryable(), "retried: the part runs again on a worker");
    }
}

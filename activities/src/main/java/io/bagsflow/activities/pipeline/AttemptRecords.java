package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.Outages;
import io.bagsflow.activities.Outages.Dependency;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.Database;
import io.bagsflow.db.DatabaseException;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.temporal.client.ActivityCompletionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of a stage part's attempts: opening one (RUNNING), the {@link Attempt} its work reports progress through,
 * and closing it as SUCCEEDED with its outputs, checkpoints and lineage in one transaction, or as FAILED with the
 * error its failure maps to; also a failure before the attempt's row existed, recorded as a FAILED attempt. Kept apart
 * from {@link StageRunner} because each of these writes must land through a database outage (retried for the {@link
 * Outages} window) and a bookkeeping failure must never hide the part's own failure.
 */
final class AttemptRecords {

    /** As {@link StageRunner}: the terminal shows {@code WARN StageRunner: ...} lines that users already know. */
    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

    /** How long a periodic checkpoint's upload may wait for S3 before it is skipped and training goes on. */
    static final Duration CHECKPOINT_UPLOAD_WAIT = Duration.ofSeconds(30);

    private final AttemptRepository attempts;
    private final StorageRepository storage;
    private final ArtifactStore store;
    private final String worker;
    private final Outages outages;

    AttemptRecords(
            AttemptRepository attempts,
            StorageRepository storage,
            ArtifactStore store,
            String worker,
            Outages outages) {
        this.attempts = attempts;
        this.storage = storage;
        this.store = store;
        this.worker = worker;
        this.outages = outages;
    }

    /** Opens the next attempt of the part with its key, RUNNING on this worker. */
    StageAttempt open(KeyedCall keyed) {
        StageCall call = keyed.call();
        return db(
                "opening an attempt of " + call.stage() + " " + call.part() + " of run " + call.runId(),
                () -> attempts.startAttempt(call.runId(), call.stage(), call.part(), keyed.key(), worker));
    }

    /**
     * The open attempt as its work sees it, writing its progress rows in the background. Its own calls to S3 tell the
     * heartbeat whether they get through (see {@link Heartbeat}: a part that cannot record its progress stops
     * heartbeating once that lasts longer than its heartbeat timeout).
     */
    Attempt begin(StageAttempt attempt, Path workDir, Heartbeat heartbeat) {
        return new Attempt(
                        attempt.id(),
                        attempt.stageKey(),
                        workDir,
                        store.withOutages(store.outages().notifying(heartbeat)),
                        store.withOutages(
                                Outages.waiting(CHECKPOINT_UPLOAD_WAIT).notifying(heartbeat)),
                        attempts,
                        heartbeat)
                .recording(storage);
    }

    /**
     * Closes the attempt as SUCCEEDED with its outputs, its checkpoints not yet recorded, its final progress and the
     * lineage rows of {@code writer}, in one transaction; returns the models the writer recorded. The caller has made
     * sure the attempt's heartbeats never stopped ({@link Heartbeat#finishing}).
     */
    List<ModelRef> succeed(
            StageCall call, Attempt attempt, Map<String, ArtifactRef> outputs, StageRunner.Writer writer) {
        List<ModelRef> models = new ArrayList<>();
        attempt.stopWriting();
        List<StorageRepository.CheckpointRecord> checkpoints = attempt.pendingCheckpoints();
        String progress = attempt.progressJson();
        db("recording the end of attempt " + attempt.id() + " (" + call.stage() + " " + call.part() + ")", () -> {
            models.clear();
            return succeed(attempt.id(), records(outputs, attempt.id()), progress, c -> {
                for (StorageRepository.CheckpointRecord k : checkpoints) {
                    StorageRepository.insertCheckpoint(c, k);
                }
                models.addAll(writer.write(c, attempt.id()));
                return null;
            });
        });
        return models;
    }

    /**
     * Closes the attempt as SUCCEEDED. A retried close whose first try did commit (the connection broke on the
     * way back) finds the attempt already SUCCEEDED, which is what it wanted.
     */
    private StageAttempt succeed(
            long attemptId, Map<String, ArtifactRecord> outputs, String progress, Database.SqlWork<?> also) {
        try {
            return attempts.succeedAttempt(attemptId, outputs, progress, also);
        } catch (DatabaseException e) {
            Optional<StageAttempt> now =
                    DatabaseException.isOutage(e) ? Optional.empty() : attempts.findAttempt(attemptId);
            if (now.isPresent() && now.get().status() == AttemptStatus.SUCCEEDED) {
                return now.get();
            }
            throw e;
        }
    }

    /**
     * Closes the attempt as FAILED with its last progress; a failure of that write is kept as a suppressed exception
     * of {@code e}, the part's own failure mattering more.
     */
    void fail(Attempt attempt, Throwable e) {
        attempt.stopWriting();
        // a worker that shuts down interrupts this thread; the flag would make the connection pool refuse the
        // write that records the failure, so it is cleared for the write and set again after it
        boolean interrupted = Thread.interrupted();
        try {
            String progress = attempt.progressJson();
            db("recording the failure of attempt " + attempt.id(), () -> {
                attempts.failAttempt(attempt.id(), Failures.errorClass(e), Failures.message(e), progress);
                return null;
            });
        } catch (RuntimeException bookkeeping) {
            e.addSuppressed(bookkeeping);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Closes an attempt that failed before its work began as FAILED (best effort: the reconciler is the backstop). */
    void failOpened(StageAttempt attempt, Exception e) {
        try {
            db("recording the failure of attempt " + attempt.id(), () -> {
                attempts.failAttempt(attempt.id(), Failures.errorClass(e), Failures.message(e));
                return null;
            });
        } catch (RuntimeException bookkeeping) {
            e.addSuppressed(bookkeeping);
        }
        log.warn("attempt {} failed before its work began: {}", attempt.id(), Failures.message(e));
    }

    /**
     * A failure before the attempt's row existed (computing the key, looking for reuse, waiting for a claim, opening
     * the attempt), recorded as a FAILED attempt with {@code key} (best effort). A cancellation is not recorded.
     */
    void failEarly(StageCall call, String key, Exception e) {
        if (e instanceof ActivityCompletionException) {
            return;
        }
        try {
            db(
                    "recording the failure of " + call.stage() + " " + call.part() + " of run " + call.runId(),
                    () -> attempts.recordFailedAttempt(
                            call.runId(),
                            call.stage(),
                            call.part(),
                            key,
                            worker,
                            Failures.errorClass(e),
                            Failures.message(e)));
        } catch (RuntimeException bookkeeping) {
            e.addSuppressed(bookkeeping);
        }
        log.warn(
                "{} {} {} failed before its attempt started: {}",
                call.runId(),
                call.stage(),
                call.part(),
                Failures.message(e));
    }

    /** The stage of this run that produced the bytes with this hash, if any (for {@link Failures#translate}). */
    Optional<Stage> producerStage(String runId, String sha256) {
        return db("looking up who produced " + sha256, () -> attempts.producerStage(runId, sha256));
    }

    private static Map<String, ArtifactRecord> records(Map<String, ArtifactRef> outputs, long attemptId) {
        Map<String, ArtifactRecord> out = new LinkedHashMap<>();
        outputs.forEach((name, a) -> out.put(name, Artifacts.record(a, attemptId)));
        return out;
    }

    /** A database call that must land: retried while the database is unreachable, for the outage window. */
    private <T> T db(String what, Supplier<T> call) {
        return outages.call(Dependency.DATABASE, what, call);
    }
}

package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.FileTrees;
import io.bagsflow.activities.Outages;
import io.bagsflow.activities.Outages.Dependency;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.Database;
import io.bagsflow.db.DatabaseException;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every stage activity runs one part of a stage: reuse a finished attempt with the same key if allowed;
 * otherwise open an attempt, do the work in a private folder, upload its outputs, and close the attempt as
 * SUCCEEDED together with its outputs and lineage rows in one transaction. A failure closes the attempt as FAILED;
 * bad input becomes a non-retryable failure, anything else is retried by Temporal.
 *
 * <p>Outages are waited out: the writes that must land (the attempt's start and end with its outputs and lineage)
 * are retried for the {@link Outages} window, and a failure then names the database or S3. A failure before the
 * attempt's row exists (computing the stage key) is recorded as a FAILED attempt too. An input whose bytes turn out
 * corrupt fails the attempt; if an earlier stage of the run produced it, the failure says which (type
 * {@link FailureType#CorruptInput}), so the workflow makes it again.
 */
public final class StageRunner {

    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

    /** How long a periodic checkpoint's upload may wait for S3 before it is skipped and training goes on. */
    static final Duration CHECKPOINT_UPLOAD_WAIT = Duration.ofSeconds(30);
    /** The stage key recorded for an attempt that failed before its key was known. */
    static final String UNKNOWN_KEY = "(not computed)";

    private final AttemptRepository attempts;
    private final ArtifactRepository artifacts;
    private final StorageRepository storage;
    private final ArtifactStore store;
    private final String worker;
    private final Path workRoot;
    private final Outages outages;
    /** null: no claims, so parts with the same key that run at the same time both compute it */
    private final StageClaims claims;

    public StageRunner(Database database, ArtifactStore store, String worker, Path workRoot) {
        this(database, store, worker, workRoot, store.outages(), null);
    }

    /** With claims on stage keys: a part whose key another run is computing right now waits and reuses its work. */
    public StageRunner(Database database, ArtifactStore store, String worker, Path workRoot, StageClaims claims) {
        this(database, store, worker, workRoot, store.outages(), claims);
    }

    public StageRunner(
            Database database, ArtifactStore store, String worker, Path workRoot, Outages outages, StageClaims claims) {
        this.attempts = new AttemptRepository(database);
        this.artifacts = new ArtifactRepository(database);
        this.storage = new StorageRepository(database);
        this.store = store;
        this.worker = worker;
        this.workRoot = workRoot;
        this.outages = outages;
        this.claims = claims;
    }

    public StorageRepository storage() {
        return storage;
    }

    public ArtifactStore store() {
        return store;
    }

    /** The work of a stage part: returns its outputs by name, already uploaded with {@link Attempt#upload}. */
    @FunctionalInterface
    public interface Work {
        Map<String, ArtifactRef> run(Attempt attempt) throws Exception;
    }

    /**
     * The lineage rows of a finished part (models, evaluations): {@link #load} reads what they need from the outputs
     * (also when the part is reused) before any transaction opens; the {@link Writer} then writes them in the
     * transaction that closes the attempt. Writes must be idempotent: a retried activity may record twice.
     */
    @FunctionalInterface
    public interface Recorder {
        Writer load(Map<String, ArtifactRef> outputs) throws Exception;
    }

    /** Writes lineage rows and returns the models it recorded. */
    @FunctionalInterface
    public interface Writer {
        List<ModelRef> write(Connection connection, long attemptId) throws SQLException;
    }

    public static final Recorder NOTHING_TO_RECORD = outputs -> (c, id) -> List.of();

    public StageResult run(
            String runId, Stage stage, String part, String stageKey, boolean reuse, Work work, Recorder recorder) {
        return run(runId, stage, part, () -> stageKey, reuse, work, recorder);
    }

    /**
     * As {@link #run(String, Stage, String, String, boolean, Work, Recorder)}, computing the key first: if that
     * fails (input hashing, an S3 listing), the failure is recorded as a FAILED attempt of the part.
     */
    public StageResult run(
            String runId,
            Stage stage,
            String part,
            Callable<String> stageKey,
            boolean reuse,
            Work work,
            Recorder recorder) {
        long t0 = System.nanoTime();
        String label = runId + "-" + stage.name().toLowerCase() + (part.isEmpty() ? "" : "-" + part);
        try (Heartbeat heartbeat = new Heartbeat(activityContext(), label)) {
            String key = UNKNOWN_KEY;
            StageAttempt attempt;
            boolean claimed = false;
            String holder = StageClaims.holder(runId, stage.name(), part);
            try {
                key = stageKey.call();
                String k = key;
                Optional<StageResult> done = ownEarlierSuccess(runId, stage, part, k, recorder, t0);
                if (done.isPresent()) {
                    return done.get();
                }
                if (reuse) {
                    Optional<StageResult> reused = tryReuse(runId, stage, part, k, recorder, t0);
                    if (reused.isPresent()) {
                        return reused.get();
                    }
                }
                claimed = reuse && claims != null;
                if (claimed) {
                    // another run computing the same key right now: wait for it and reuse its attempt
                    Optional<StageResult> shared =
                            claims.awaitTurn(k, holder, () -> tryReuse(runId, stage, part, k, recorder, t0));
                    if (shared.isPresent()) {
                        claimed = false;
                        return shared.get();
                    }
                }
                attempt = db(
                        "opening an attempt of " + stage + " " + part + " of run " + runId,
                        () -> attempts.startAttempt(runId, stage, part, k, worker));
            } catch (Exception e) {
                releaseQuietly(claimed, key, holder);
                recordEarlyFailure(runId, stage, part, key, e);
                throw translate(runId, stage, e);
            }
            if (claimed) {
                try {
                    claims.attach(key, holder, attempt.id());
                } catch (RuntimeException e) {
                    // the attempt is open: it is closed with this failure, not left RUNNING beside a second one
                    releaseQuietly(true, key, holder);
                    failOpened(attempt, e);
                    throw translate(runId, stage, e);
                }
            }
            try {
                return runAttempt(runId, stage, part, attempt, heartbeat, work, recorder, t0);
            } finally {
                releaseQuietly(claimed, key, holder);
            }
        }
    }

    /** Gives up a claim on a key once its attempt has ended either way (a stale claim is taken over anyway). */
    private void releaseQuietly(boolean claimed, String key, String holder) {
        if (!claimed) {
            return;
        }
        try {
            claims.release(key, holder);
        } catch (RuntimeException e) {
            log.warn("could not release the claim on {} (it goes stale and is taken over): {}", key, e.toString());
        }
    }

    private StageResult runAttempt(
            String runId,
            Stage stage,
            String part,
            StageAttempt attempt,
            Heartbeat heartbeat,
            Work work,
            Recorder recorder,
            long t0) {
        Path dir = workRoot.resolve(runId)
                .resolve(stage.name().toLowerCase() + (part.isEmpty() ? "" : "-" + part) + "-" + attempt.attempt());
        // the attempt's own calls to S3 tell its heartbeat whether they get through (see Heartbeat: a part that
        // cannot record its progress stops heartbeating once that lasts longer than its heartbeat timeout)
        Attempt context = new Attempt(
                        attempt.id(),
                        attempt.stageKey(),
                        dir,
                        store.withOutages(store.outages().notifying(heartbeat)),
                        store.withOutages(
                                Outages.waiting(CHECKPOINT_UPLOAD_WAIT).notifying(heartbeat)),
                        attempts,
                        heartbeat)
                .recording(storage);
        try {
            Files.createDirectories(dir);
            Map<String, ArtifactRef> outputs = work.run(context);
            Writer writer = recorder.load(outputs);
            List<ModelRef> models = new ArrayList<>();
            // the success is recorded only by an attempt whose heartbeats never stopped: one that stopped has been
            // (or is being) given to another worker, and a second SUCCEEDED attempt of the part would be a lie
            heartbeat.finishing();
            context.stopWriting();
            List<StorageRepository.CheckpointRecord> checkpoints = context.pendingCheckpoints();
            String progress = context.progressJson();
            db("recording the end of attempt " + attempt.id() + " (" + stage + " " + part + ")", () -> {
                models.clear();
                return succeed(attempt.id(), records(outputs, attempt.id()), progress, c -> {
                    for (StorageRepository.CheckpointRecord k : checkpoints) {
                        StorageRepository.insertCheckpoint(c, k);
                    }
                    models.addAll(writer.write(c, attempt.id()));
                    return null;
                });
            });
            return new StageResult(outputs, models, false, attempt.id(), seconds(t0));
        } catch (Throwable e) {
            context.stopWriting();
            // a worker that shuts down interrupts this thread; the flag would make the connection pool refuse the
            // write that records the failure, so it is cleared for the write and set again after it
            boolean interrupted = Thread.interrupted();
            try {
                String progress = context.progressJson();
                db("recording the failure of attempt " + attempt.id(), () -> {
                    attempts.failAttempt(attempt.id(), Failures.errorClass(e), Failures.message(e), progress);
                    return null;
                });
            } catch (RuntimeException bookkeeping) {
                // the original failure matters more; keep the bookkeeping one beside it
                e.addSuppressed(bookkeeping);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (e instanceof ActivityCompletionException) {
                // an abort or a lost attempt: expected, and recorded; not a warning on the user's terminal
                log.info("{} {} {} attempt {} {}", runId, stage, part, attempt.attempt(), Failures.message(e));
            } else {
                log.warn("{} {} {} attempt {} failed: {}", runId, stage, part, attempt.attempt(), Failures.message(e));
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw translate(runId, stage, (Exception) e);
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    /**
     * Closes the attempt as SUCCEEDED. A retried close whose first try did commit (the connection broke on the
     * way back) finds the attempt already SUCCEEDED, which is what it wanted.
     */
    private StageAttempt succeed(
            long attemptId,
            Map<String, ArtifactRecord> outputs,
            String progress,
            io.bagsflow.db.Database.SqlWork<?> also) {
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

    /** Closes an attempt that failed before its work began as FAILED (best effort: the reconciler is the backstop). */
    private void failOpened(StageAttempt attempt, Exception e) {
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

    /** A failure before the attempt's row existed, recorded as a FAILED attempt (best effort). */
    private void recordEarlyFailure(String runId, Stage stage, String part, String key, Exception e) {
        if (e instanceof ActivityCompletionException) {
            return;
        }
        try {
            db(
                    "recording the failure of " + stage + " " + part + " of run " + runId,
                    () -> attempts.recordFailedAttempt(
                            runId, stage, part, key, worker, Failures.errorClass(e), Failures.message(e)));
        } catch (RuntimeException bookkeeping) {
            e.addSuppressed(bookkeeping);
        }
        log.warn("{} {} {} failed before its attempt started: {}", runId, stage, part, Failures.message(e));
    }

    /** A database call that must land: retried while the database is unreachable, for the outage window. */
    private <T> T db(String what, Supplier<T> call) {
        return outages.call(Dependency.DATABASE, what, call);
    }

    /**
     * This run already finished this part with this key: the activity is running again because its completion did
     * not reach Temporal. Its lineage is recorded again (idempotently) and its outputs returned.
     */
    private Optional<StageResult> ownEarlierSuccess(
            String runId, Stage stage, String part, String key, Recorder recorder, long t0) {
        Optional<StageAttempt> own = db(
                "looking up attempts of run " + runId, () -> attempts.findOwnCompletedAttempt(runId, stage, part, key));
        if (own.isEmpty()) {
            return Optional.empty();
        }
        Optional<Map<String, ArtifactRef>> outputs = storedOutputs(own.get());
        if (outputs.isEmpty()) {
            return Optional.empty();
        }
        Writer writer = load(recorder, outputs.get());
        List<ModelRef> models = new ArrayList<>();
        db("recording the lineage of attempt " + own.get().id(), () -> {
            models.clear();
            attempts.recordFor(own.get().id(), (c, id) -> models.addAll(writer.write(c, id)));
            return null;
        });
        return Optional.of(new StageResult(
                outputs.get(),
                models,
                own.get().status() == AttemptStatus.REUSED,
                own.get().id(),
                seconds(t0)));
    }

    private Optional<StageResult> tryReuse(
            String runId, Stage stage, String part, String key, Recorder recorder, long t0) {
        Optional<Intact> found = firstIntact(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StageAttempt earlier = found.get().attempt();
        Map<String, ArtifactRef> outputs = found.get().outputs();
        Writer writer = load(recorder, outputs);
        List<ModelRef> models = new ArrayList<>();
        StageAttempt reused = db("recording the reuse of attempt " + earlier.id(), () -> {
            models.clear();
            return attempts.recordReuse(
                    runId, stage, part, worker, earlier, (c, attemptId) -> models.addAll(writer.write(c, attemptId)));
        });
        return Optional.of(new StageResult(outputs, models, true, reused.id(), seconds(t0)));
    }

    /** An earlier attempt and its outputs, all still stored and none known to be corrupt. */
    private record Intact(StageAttempt attempt, Map<String, ArtifactRef> outputs) {}

    /**
     * The first attempt with this key whose outputs are intact, in {@link AttemptRepository#findReusableAttempts}'s
     * order: the oldest, unless its bytes are gone or corrupt (then the next, so that making them again helps).
     */
    private Optional<Intact> firstIntact(String key) {
        for (StageAttempt candidate :
                db("looking up attempts with key " + key, () -> attempts.findReusableAttempts(key))) {
            Optional<Map<String, ArtifactRef>> outputs = storedOutputs(candidate);
            if (outputs.isPresent()) {
                return Optional.of(new Intact(candidate, outputs.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * An attempt's outputs, if the artifact store still holds every one and none is known to be corrupt (else the
     * work must be done again).
     */
    private Optional<Map<String, ArtifactRef>> storedOutputs(StageAttempt attempt) {
        Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : attempt.outputs().entrySet()) {
            Optional<ArtifactRecord> a = db("looking up artifact " + e.getValue(), () -> artifacts.find(e.getValue()));
            if (a.isEmpty() || !store.exists(e.getValue())) {
                log.warn("cannot reuse attempt {}: artifact {} is gone", attempt.id(), e.getValue());
                return Optional.empty();
            }
            if (db("looking up corruption of " + e.getValue(), () -> storage.isCorrupt(e.getValue()))) {
                log.warn("cannot reuse attempt {}: artifact {} is marked corrupt", attempt.id(), e.getValue());
                return Optional.empty();
            }
            outputs.put(e.getKey(), Artifacts.ref(a.get()));
        }
        return Optional.of(outputs);
    }

    private static Writer load(Recorder recorder, Map<String, ArtifactRef> outputs) {
        try {
            return recorder.load(outputs);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(Failures.message(e), e);
        }
    }

    /** {@link Failures#translate(Exception, Stage, java.util.function.Function)}, asking this run's attempts. */
    private RuntimeException translate(String runId, Stage stage, Exception e) {
        return Failures.translate(
                e, stage, sha -> db("looking up who produced " + sha, () -> attempts.producerStage(runId, sha)));
    }

    static ActivityExecutionContext activityContext() {
        try {
            return Activity.getExecutionContext();
        } catch (IllegalStateException notInAnActivity) {
            return null;
        }
    }

    private static Map<String, ArtifactRecord> records(Map<String, ArtifactRef> outputs, long attemptId) {
        Map<String, ArtifactRecord> out = new LinkedHashMap<>();
        outputs.forEach((name, a) -> out.put(name, Artifacts.record(a, attemptId)));
        return out;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}

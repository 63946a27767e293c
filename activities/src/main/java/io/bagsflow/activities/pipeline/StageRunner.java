package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.FileTrees;
import io.bagsflow.activities.Outages;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.Database;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.model.FailureType;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>This class only orders the steps; {@link StageReuse} finds what may be reused, {@link PartClaim} holds the key
 * while the part computes it, {@link AttemptRecords} writes the attempt's rows and {@link Failures} maps a failure.
 */
public final class StageRunner {

    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

    /** The stage key recorded for an attempt that failed before its key was known. */
    static final String UNKNOWN_KEY = "(not computed)";

    private final StorageRepository storage;
    private final ArtifactStore store;
    private final Path workRoot;
    private final StageReuse reuse;
    private final AttemptRecords records;
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
        AttemptRepository attempts = new AttemptRepository(database);
        this.storage = new StorageRepository(database);
        this.store = store;
        this.workRoot = workRoot;
        this.reuse = new StageReuse(attempts, new ArtifactRepository(database), storage, store, worker, outages);
        this.records = new AttemptRecords(attempts, storage, store, worker, outages);
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

    /**
     * Runs one part of a stage, computing its key first: if that fails (input hashing, an S3 listing), the failure is
     * recorded as a FAILED attempt of the part.
     */
    public StageResult run(StageCall call) {
        long t0 = System.nanoTime();
        try (Heartbeat heartbeat = new Heartbeat(activityContext(), call.runId() + "-" + call.slug())) {
            String key = UNKNOWN_KEY;
            KeyedCall keyed;
            StageAttempt attempt;
            PartClaim claim = new PartClaim(call.reuse() ? claims : null, call);
            try {
                key = call.stageKey().call();
                keyed = new KeyedCall(call, key, t0);
                Optional<StageResult> done = reuse.ownEarlierSuccess(keyed);
                if (done.isPresent()) {
                    return done.get();
                }
                if (call.reuse()) {
                    Optional<StageResult> reused = reuse.fromAnotherRun(keyed);
                    if (reused.isPresent()) {
                        return reused.get();
                    }
                    // another run computing the same key right now: wait for it and reuse its attempt
                    Optional<StageResult> shared = claim.awaitTurn(key, () -> reuse.fromAnotherRun(keyed));
                    if (shared.isPresent()) {
                        return shared.get();
                    }
                }
                attempt = records.open(keyed);
            } catch (Exception e) {
                claim.release();
                records.failEarly(call, key, e);
                throw translate(call, e);
            }
            try {
                claim.attach(attempt.id());
            } catch (RuntimeException e) {
                // the attempt is open: it is closed with this failure, not left RUNNING beside a second one
                claim.release();
                records.failOpened(attempt, e);
                throw translate(call, e);
            }
            try {
                return runAttempt(keyed, attempt, heartbeat);
            } finally {
                claim.release();
            }
        }
    }

    private StageResult runAttempt(KeyedCall keyed, StageAttempt attempt, Heartbeat heartbeat) {
        StageCall call = keyed.call();
        Path dir = workRoot.resolve(call.runId()).resolve(call.slug() + "-" + attempt.attempt());
        Attempt context = records.begin(attempt, dir, heartbeat);
        try {
            Files.createDirectories(dir);
            Map<String, ArtifactRef> outputs = call.work().run(context);
            Writer writer = call.recorder().load(outputs);
            // the success is recorded only by an attempt whose heartbeats never stopped: one that stopped has been
            // (or is being) given to another worker, and a second SUCCEEDED attempt of the part would be a lie
            heartbeat.finishing();
            List<ModelRef> models = records.succeed(call, context, outputs, writer);
            return new StageResult(outputs, models, false, attempt.id(), keyed.seconds());
        } catch (Throwable e) {
            records.fail(context, e);
            String what = Failures.message(e);
            if (e instanceof ActivityCompletionException) {
                // an abort or a lost attempt: expected, and recorded; not a warning on the user's terminal
                log.info("{} {} {} attempt {} {}", call.runId(), call.stage(), call.part(), attempt.attempt(), what);
            } else {
                log.warn(
                        "{} {} {} attempt {} failed: {}",
                        call.runId(),
                        call.stage(),
                        call.part(),
                        attempt.attempt(),
                        what);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw translate(call, (Exception) e);
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    /** {@link Failures}' translation, asking this run's attempts which earlier stage produced corrupt input. */
    private RuntimeException translate(StageCall call, Exception e) {
        return Failures.translate(e, call.stage(), sha -> records.producerStage(call.runId(), sha));
    }

    static ActivityExecutionContext activityContext() {
        try {
            return Activity.getExecutionContext();
        } catch (IllegalStateException notInAnActivity) {
            return null;
        }
    }
}

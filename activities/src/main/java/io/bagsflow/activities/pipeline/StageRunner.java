package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.ml.dataset.InvalidDatasetException;
import io.bagsflow.ml.detector.NonFiniteTrainingException;
import io.bagsflow.ml.lvis.LvisFormatException;
import io.bagsflow.workflows.pipeline.ArtifactRef;
import io.bagsflow.workflows.pipeline.ModelRef;
import io.bagsflow.workflows.pipeline.PipelineWorkflowImpl;
import io.bagsflow.workflows.pipeline.Stage;
import io.bagsflow.workflows.pipeline.StageResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How every stage activity runs one part of a stage: reuse a finished attempt with the same key if allowed;
 * otherwise open an attempt, do the work in a private folder, upload its outputs, and close the attempt as
 * SUCCEEDED together with its outputs and lineage rows in one transaction. A failure closes the attempt as FAILED;
 * bad input becomes a non-retryable failure, anything else is retried by Temporal.
 */
public final class StageRunner {

    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

    private final RunRepository runs;
    private final ArtifactStore store;
    private final String worker;
    private final Path workRoot;
    /** null: no claims, so parts with the same key that run at the same time both compute it */
    private final StageClaims claims;

    public StageRunner(RunRepository runs, ArtifactStore store, String worker, Path workRoot) {
        this(runs, store, worker, workRoot, null);
    }

    public StageRunner(RunRepository runs, ArtifactStore store, String worker, Path workRoot, StageClaims claims) {
        this.runs = runs;
        this.store = store;
        this.worker = worker;
        this.workRoot = workRoot;
        this.claims = claims;
    }

    public RunRepository runs() {
        return runs;
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

    public StageResult run(String runId, Stage stage, String part, String stageKey, boolean reuse, Work work,
                           Recorder recorder) {
        long t0 = System.nanoTime();
        Optional<StageResult> done = ownEarlierSuccess(runId, stage, part, stageKey, recorder, t0);
        if (done.isPresent()) {
            return done.get();
        }
        if (reuse) {
            Optional<StageResult> reused = tryReuse(runId, stage, part, stageKey, recorder, t0);
            if (reused.isPresent()) {
                return reused.get();
            }
        }
        boolean claimed = reuse && claims != null;
        String holder = StageClaims.holder(runId, stage.name(), part);
        if (claimed) {
            // another run computing the same key right now: wait for it and reuse its attempt
            Optional<StageResult> shared = claims.awaitTurn(stageKey, holder,
                    () -> tryReuse(runId, stage, part, stageKey, recorder, t0));
            if (shared.isPresent()) {
                return shared.get();
            }
        }
        // (should this throw, an unreleased claim goes stale and is taken over)
        StageAttempt attempt = runs.startAttempt(runId, stage.name(), part, stageKey, worker);
        if (claimed) {
            claims.attach(stageKey, holder, attempt.id());
        }
        Path dir = workRoot.resolve(runId).resolve(stage.name().toLowerCase() + (part.isEmpty() ? "" : "-" + part)
                + "-" + attempt.attempt());
        Attempt context = new Attempt(attempt.id(), stageKey, dir, store, runs, activityContext());
        try (Attempt.Heartbeats alive = context.keepAlive()) {
            Files.createDirectories(dir);
            Map<String, ArtifactRef> outputs = work.run(context);
            Writer writer = recorder.load(outputs);
            List<ModelRef> models = new ArrayList<>();
            runs.succeedAttempt(attempt.id(), records(outputs, attempt.id()),
                    c -> models.addAll(writer.write(c, attempt.id())));
            return new StageResult(outputs, models, false, attempt.id(), seconds(t0));
        } catch (Throwable e) {
            try {
                runs.failAttempt(attempt.id(), errorClass(e), message(e));
            } catch (RuntimeException bookkeeping) {
                // the original failure matters more; keep the bookkeeping one beside it
                e.addSuppressed(bookkeeping);
            }
            log.warn("{} {} {} attempt {} failed: {}", runId, stage, part, attempt.attempt(), message(e));
            if (e instanceof Error error) {
                throw error;
            }
            throw translate((Exception) e);
        } finally {
            deleteQuietly(dir);
            if (claimed) {
                claims.release(stageKey, holder);
            }
        }
    }

    /**
     * This run already finished this part with this key: the activity is running again because its completion did
     * not reach Temporal. Its lineage is recorded again (idempotently) and its outputs returned.
     */
    private Optional<StageResult> ownEarlierSuccess(String runId, Stage stage, String part, String key,
                                                    Recorder recorder, long t0) {
        Optional<StageAttempt> own = runs.findCompletedAttempt(runId, stage.name(), part, key);
        if (own.isEmpty()) {
            return Optional.empty();
        }
        Optional<Map<String, ArtifactRef>> outputs = storedOutputs(own.get());
        if (outputs.isEmpty()) {
            return Optional.empty();
        }
        Writer writer = load(recorder, outputs.get());
        List<ModelRef> models = new ArrayList<>();
        runs.recordFor(own.get().id(), (c, id) -> models.addAll(writer.write(c, id)));
        return Optional.of(new StageResult(outputs.get(), models, own.get().status().equals("REUSED"),
                own.get().id(), seconds(t0)));
    }

    private Optional<StageResult> tryReuse(String runId, Stage stage, String part, String key, Recorder recorder,
                                           long t0) {
        Optional<StageAttempt> found = runs.findCompletedAttempt(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StageAttempt earlier = found.get();
        Optional<Map<String, ArtifactRef>> outputs = storedOutputs(earlier);
        if (outputs.isEmpty()) {
            return Optional.empty();
        }
        Writer writer = load(recorder, outputs.get());
        List<ModelRef> models = new ArrayList<>();
        StageAttempt reused = runs.recordReuse(runId, stage.name(), part, worker, earlier,
                (c, attemptId) -> models.addAll(writer.write(c, attemptId)));
        return Optional.of(new StageResult(outputs.get(), models, true, reused.id(), seconds(t0)));
    }

    /** An attempt's outputs, if the artifact store still holds every one (else the work must be done again). */
    private Optional<Map<String, ArtifactRef>> storedOutputs(StageAttempt attempt) {
        Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : attempt.outputs().entrySet()) {
            Optional<ArtifactRecord> a = runs.findArtifact(e.getValue());
            if (a.isEmpty() || !store.exists(e.getValue())) {
                log.warn("cannot reuse attempt {}: artifact {} is gone", attempt.id(), e.getValue());
                return Optional.empty();
            }
            outputs.put(e.getKey(), Artifacts.ref(a.get()));
        }
        return Optional.of(outputs);
    }

    private static Writer load(Recorder recorder, Map<String, ArtifactRef> outputs) {
        try {
            return recorder.load(outputs);
        } catch (Exception e) {
            throw translate(e);
        }
    }

    private static ActivityExecutionContext activityContext() {
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

    /** Bad input fails for good; cancellation passes through; anything else is retried by Temporal. */
    static RuntimeException translate(Exception e) {
        if (e instanceof ActivityCompletionException || e instanceof ApplicationFailure) {
            return (RuntimeException) e;
        }
        if (isInvalidInput(e)) {
            return ApplicationFailure.newNonRetryableFailureWithCause(message(e), PipelineWorkflowImpl.INVALID_INPUT,
                    e);
        }
        return ApplicationFailure.newFailureWithCause(message(e), errorClass(e), e);
    }

    /**
     * Failures that a retry would repeat: bad input, and training that diverged (too many non-finite steps; the
     * user retries it with changed settings, such as a lower learning rate).
     */
    static boolean isInvalidInput(Throwable e) {
        return e instanceof InvalidInputException || e instanceof LvisFormatException
                || e instanceof InvalidDatasetException || e instanceof NonFiniteTrainingException;
    }

    static String errorClass(Throwable e) {
        if (e instanceof ActivityCompletionException) {
            return "Cancelled";
        }
        return isInvalidInput(e) ? PipelineWorkflowImpl.INVALID_INPUT : e.getClass().getName();
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getCause() != null ? message(e.getCause()) : e.getClass().getSimpleName();
        }
        return m;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover file in the work folder is harmless
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}

package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.Outages;
import io.bagsflow.activities.Outages.Dependency;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.StageResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a finished attempt whose outputs a stage part may return instead of doing its work, and records that it did:
 * this run's own earlier success (the activity runs again because its completion did not reach Temporal), or another
 * run's attempt with the same key whose outputs are all still stored and none known to be corrupt. Kept apart from
 * {@link StageRunner} because which attempt counts as reusable (the oldest intact one) is a rule of its own, asked both
 * before a part claims its key and while it waits for another holder of the key.
 */
final class StageReuse {

    /** As {@link StageRunner}: the terminal shows {@code WARN StageRunner: ...} lines that users already know. */
    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

    private final AttemptRepository attempts;
    private final ArtifactRepository artifacts;
    private final StorageRepository storage;
    private final ArtifactStore store;
    private final String worker;
    private final Outages outages;

    StageReuse(
            AttemptRepository attempts,
            ArtifactRepository artifacts,
            StorageRepository storage,
            ArtifactStore store,
            String worker,
            Outages outages) {
        this.attempts = attempts;
        this.artifacts = artifacts;
        this.storage = storage;
        this.store = store;
        this.worker = worker;
        this.outages = outages;
    }

    /**
     * This run already finished this part with this key: the activity is running again because its completion did
     * not reach Temporal. Its lineage is recorded again (idempotently) and its outputs returned.
     */
    Optional<StageResult> ownEarlierSuccess(KeyedCall keyed) {
        StageCall call = keyed.call();
        Optional<StageAttempt> own = db(
                "looking up attempts of run " + call.runId(),
                () -> attempts.findOwnCompletedAttempt(call.runId(), call.stage(), call.part(), keyed.key()));
        if (own.isEmpty()) {
            return Optional.empty();
        }
        Optional<Map<String, ArtifactRef>> outputs = storedOutputs(own.get());
        if (outputs.isEmpty()) {
            return Optional.empty();
        }
        StageRunner.Writer writer = load(call.recorder(), outputs.get());
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
                keyed.seconds()));
    }

    /** Another run's intact attempt with this key, recorded as a REUSED attempt of this run's part. */
    Optional<StageResult> fromAnotherRun(KeyedCall keyed) {
        StageCall call = keyed.call();
        Optional<Intact> found = firstIntact(keyed.key());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StageAttempt earlier = found.get().attempt();
        Map<String, ArtifactRef> outputs = found.get().outputs();
        StageRunner.Writer writer = load(call.recorder(), outputs);
        List<ModelRef> models = new ArrayList<>();
        StageAttempt reused = db("recording the reuse of attempt " + earlier.id(), () -> {
            models.clear();
            return attempts.recordReuse(
                    call.runId(),
                    call.stage(),
                    call.part(),
                    worker,
                    earlier,
                    (c, attemptId) -> models.addAll(writer.write(c, attemptId)));
        });
        return Optional.of(new StageResult(outputs, models, true, reused.id(), keyed.seconds()));
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

    private static StageRunner.Writer load(StageRunner.Recorder recorder, Map<String, ArtifactRef> outputs) {
        try {
            return recorder.load(outputs);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(Failures.message(e), e);
        }
    }

    /** A database call that must land: retried while the database is unreachable, for the outage window. */
    private <T> T db(String what, Supplier<T> call) {
        return outages.call(Dependency.DATABASE, what, call);
    }
}

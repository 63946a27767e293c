package io.bagsflow.activities.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.StoredArtifact;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.pipeline.ArtifactRef;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running stage attempt as its work sees it: a private work folder, the artifact store, and progress reporting
 * that reaches both Temporal (heartbeats, so a lost worker is noticed) and PostgreSQL (so {@code runs show} and
 * progress bars see it, and a retried attempt finds the last checkpoint even if the final heartbeat never left).
 *
 * <p>The stored progress of an attempt is its last state in one shape, whatever the stage:
 * {@code {"step": int, "total": int, "loss": number|null, "checkpoint_iteration": int|null}}, optionally with
 * {@code message}, {@code eta_seconds}, {@code images_per_second} and {@code skipped_steps}; a training attempt
 * also has {@code curve}, its loss curve so far ({@link LiveCurve}), which heartbeats leave out (Temporal needs
 * only the latest state). Rows are written in the background and best effort (training never waits for the
 * database); the final state is written with the attempt's end.
 */
public final class Attempt {

    private static final ObjectMapper JSON = JsonMappers.strict();
    /** The keys every stored progress has, in this order. */
    public static final List<String> PROGRESS_KEYS = List.of("step", "total", "loss", "checkpoint_iteration");

    private final long id;
    private final String stageKey;
    private final Path workDir;
    private final ArtifactStore store;
    private final ArtifactStore checkpointStore;
    private final AttemptRepository attempts;
    private final Heartbeat heartbeat;
    private final Map<String, Object> state = new LinkedHashMap<>();
    /** Guarded by {@link #state}. */
    private final LiveCurve curve = new LiveCurve();

    private ProgressWriter writer;

    Attempt(
            long id,
            String stageKey,
            Path workDir,
            ArtifactStore store,
            ArtifactStore checkpointStore,
            AttemptRepository attempts,
            Heartbeat heartbeat) {
        this.id = id;
        this.stageKey = stageKey;
        this.workDir = workDir;
        this.store = store;
        this.checkpointStore = checkpointStore;
        this.attempts = attempts;
        this.heartbeat = heartbeat;
        for (String key : PROGRESS_KEYS) {
            state.put(key, null);
        }
        state.put("step", 0);
        state.put("total", 0);
    }

    /** Starts writing progress rows (not for tests that only use the work folder and the store). */
    Attempt recording(StorageRepository storage) {
        writer = new ProgressWriter(id, attempts, storage, this::progressJson, heartbeat);
        return this;
    }

    public long id() {
        return id;
    }

    public String stageKey() {
        return stageKey;
    }

    /** A folder of this attempt only, removed when it ends. */
    public Path workDir() {
        return workDir;
    }

    public ArtifactStore store() {
        return store;
    }

    /** Uploads a file as an artifact (registered in the database only when the attempt succeeds). */
    public ArtifactRef upload(Path file, String mediaType) {
        StoredArtifact a = store.put(file, mediaType);
        return new ArtifactRef(a.sha256(), a.size(), a.mediaType());
    }

    /**
     * Uploads a periodic checkpoint and records it; returns false (and training goes on) if the S3 server does not
     * take it within a short wait: a later checkpoint, or the final output, covers it.
     */
    public boolean uploadCheckpoint(Path file, int iteration) {
        ArtifactRef ref;
        try {
            StoredArtifact a = checkpointStore.put(file, "application/zip");
            ref = new ArtifactRef(a.sha256(), a.size(), a.mediaType());
        } catch (RuntimeException e) {
            if (e instanceof UncheckedIOException) {
                throw e;
            }
            org.slf4j.LoggerFactory.getLogger(Attempt.class)
                    .warn("checkpoint {} of attempt {} skipped: {}", iteration, id, e.getMessage());
            return false;
        }
        checkpointed(iteration, ref);
        return true;
    }

    /** Downloads an artifact to a file, verified against its hash. */
    public Path download(ArtifactRef artifact, Path file) {
        heartbeat.beat(Map.of("downloading", artifact.sha256()));
        return store.get(artifact.sha256(), file);
    }

    /**
     * Reports progress ({@code step}, {@code total}, {@code loss}, and any of the optional keys): a heartbeat to
     * Temporal and the attempt's state, which the database gets within a few seconds. Throws if Temporal cancelled
     * the activity, which ends the work.
     */
    public void progress(Map<String, Object> details) {
        Map<String, Object> snapshot;
        synchronized (state) {
            state.remove("message");
            state.remove("eta_seconds");
            state.putAll(details);
            snapshot = new LinkedHashMap<>(state);
        }
        heartbeat.beat(snapshot);
        if (writer != null) {
            writer.changed();
        }
    }

    /**
     * Adds a point to the attempt's loss curve so far (stored with the next progress row; call it before the
     * {@link #progress} of the same report).
     */
    public void curvePoint(int iteration, double loss, double imagesPerSecond) {
        synchronized (state) {
            curve.add(new LiveCurve.Point(iteration, loss, imagesPerSecond));
        }
    }

    /**
     * Records that a checkpoint of {@code iteration} is safely in the artifact store: heartbeated at once and
     * recorded in the database as soon as it answers (a retried attempt resumes from it).
     */
    public void checkpointed(int iteration, ArtifactRef checkpoint) {
        Map<String, Object> snapshot;
        synchronized (state) {
            state.put("checkpoint_iteration", iteration);
            snapshot = new LinkedHashMap<>(state);
        }
        snapshot.put("checkpoint_sha256", checkpoint.sha256());
        heartbeat.beat(snapshot);
        if (writer != null) {
            writer.checkpoint(
                    new StorageRepository.CheckpointRecord(id, iteration, checkpoint.sha256(), checkpoint.size()));
        }
    }

    /** Notes in the attempt's record that it continued an earlier attempt's work from this iteration. */
    public void resumedFrom(int iteration) {
        synchronized (state) {
            state.put("checkpoint_iteration", iteration);
        }
        attempts.markResumed(id, iteration);
    }

    /** The attempt's state as stored: the documented shape. */
    String progressJson() {
        synchronized (state) {
            if (curve.isEmpty()) {
                return JSON.valueToTree(state).toString();
            }
            Map<String, Object> stored = new LinkedHashMap<>(state);
            stored.put("curve", curve.json());
            return JSON.valueToTree(stored).toString();
        }
    }

    /** Checkpoints the background writer has not recorded yet. */
    List<StorageRepository.CheckpointRecord> pendingCheckpoints() {
        return writer == null ? List.of() : writer.pendingCheckpoints();
    }

    /** Stops the background writer; the caller writes the final state with the attempt's end. */
    void stopWriting() {
        if (writer != null) {
            writer.close();
        }
    }
}

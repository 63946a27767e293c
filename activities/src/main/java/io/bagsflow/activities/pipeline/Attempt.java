package io.bagsflow.activities.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.StoredArtifact;
import io.bagsflow.db.RunRepository;
import io.bagsflow.workflows.pipeline.ArtifactRef;
import io.temporal.activity.ActivityExecutionContext;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running stage attempt as its work sees it: a private work folder, the artifact store, and progress reporting
 * that reaches both Temporal (heartbeats, so a lost worker is noticed) and PostgreSQL (so {@code runs show} and
 * progress bars see it, and a retried attempt finds the last checkpoint even if the final heartbeat never left).
 */
public final class Attempt {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Progress rows are written at most this often; heartbeats are throttled by the Temporal SDK itself. */
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    /** How often the keep-alive heartbeat beats while the work runs between progress reports. */
    private static final long KEEP_ALIVE_MILLIS = 5_000;

    private final long id;
    private final String stageKey;
    private final Path workDir;
    private final ArtifactStore store;
    private final RunRepository runs;
    private final ActivityExecutionContext context;
    private final Map<String, Object> lastCheckpoint = new LinkedHashMap<>();
    private volatile Map<String, Object> lastDetails = Map.of();
    private long lastProgressWrite;
    /** The last progress report, kept in the row written at a checkpoint so that it still shows step and loss. */
    private volatile Map<String, Object> lastProgress = Map.of();

    Attempt(long id, String stageKey, Path workDir, ArtifactStore store, RunRepository runs,
            ActivityExecutionContext context) {
        this.id = id;
        this.stageKey = stageKey;
        this.workDir = workDir;
        this.store = store;
        this.runs = runs;
        this.context = context;
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

    /** Downloads an artifact to a file, verified against its hash. */
    public Path download(ArtifactRef artifact, Path file) {
        heartbeat(Map.of("downloading", artifact.sha256()));
        return store.get(artifact.sha256(), file);
    }

    /**
     * Reports progress: a heartbeat to Temporal with these details and, every few seconds, the attempt's progress
     * row. Throws if Temporal cancelled the activity, which ends the work.
     */
    public void progress(Map<String, Object> details) {
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.putAll(lastCheckpoint);
        lastProgress = new LinkedHashMap<>(details);
        heartbeat(all);
        long now = System.nanoTime();
        if (now - lastProgressWrite > PROGRESS_EVERY_NANOS) {
            lastProgressWrite = now;
            writeProgress(all);
        }
    }

    /**
     * Records that a checkpoint of {@code iteration} is safely in the artifact store: written to the database at
     * once (a retried attempt resumes from it) and heartbeated.
     */
    public void checkpointed(int iteration, ArtifactRef checkpoint) {
        lastCheckpoint.put("checkpoint_iteration", iteration);
        lastCheckpoint.put("checkpoint_sha256", checkpoint.sha256());
        lastCheckpoint.put("checkpoint_size", checkpoint.size());
        Map<String, Object> all = new LinkedHashMap<>(lastProgress);
        all.putAll(lastCheckpoint);
        all.put("iteration", iteration);
        heartbeat(all);
        writeProgress(all);
        lastProgressWrite = System.nanoTime();
    }

    /** Notes in the attempt's record that it continued an earlier attempt's work from this iteration. */
    public void resumedFrom(int iteration) {
        runs.markResumed(id, iteration);
    }

    private void heartbeat(Map<String, Object> details) {
        lastDetails = Map.copyOf(details);
        if (context != null) {
            context.heartbeat(new LinkedHashMap<>(details));
        }
    }

    /**
     * Heartbeats in the background while the work runs, so that long steps without progress reports (generating
     * or extracting a dataset, building a feature cache) do not look like a lost worker. It only says the process
     * lives; cancellation still reaches the work through its own {@link #progress} calls.
     */
    Heartbeats keepAlive() {
        if (context == null) {
            return () -> { };
        }
        Thread ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(KEEP_ALIVE_MILLIS);
                    context.heartbeat(new LinkedHashMap<>(lastDetails));
                }
            } catch (InterruptedException stopped) {
                // the work ended
            } catch (RuntimeException cancelledOrFailed) {
                // a cancelled activity's heartbeat throws; the work learns of it at its next progress report
            }
        }, "heartbeat-" + id);
        ticker.setDaemon(true);
        ticker.start();
        return ticker::interrupt;
    }

    /** Stops the keep-alive heartbeat. */
    @FunctionalInterface
    interface Heartbeats extends AutoCloseable {
        @Override
        void close();
    }

    private void writeProgress(Map<String, Object> details) {
        ObjectNode node = JSON.valueToTree(details);
        runs.updateProgress(id, node.toString());
    }
}

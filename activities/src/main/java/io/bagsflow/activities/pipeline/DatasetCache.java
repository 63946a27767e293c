package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.workflows.pipeline.ArtifactRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's local copies of the artifacts its stages read (datasets, image archives extracted, checkpoints,
 * results), by content hash under {@code BAGSFLOW_HOME/cache}: downloaded once per worker and shared by every stage
 * and run that needs the same bytes. Entries appear by atomic rename, so a crash never leaves a half-written one in
 * place (at worst an {@code .extract-*} folder, which is never read). Nothing is evicted: delete the folder to
 * reclaim the space; it refills on demand.
 */
public final class DatasetCache {

    private final ArtifactStore store;
    private final Path root;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public DatasetCache(ArtifactStore store, Path root) {
        this.store = store;
        this.root = root;
    }

    /** The artifact as a local file. */
    public Path file(ArtifactRef artifact) {
        Path file = root.resolve("files").resolve(artifact.sha256());
        synchronized (locks.computeIfAbsent(artifact.sha256(), k -> new Object())) {
            if (!Files.exists(file)) {
                store.get(artifact.sha256(), file);
            }
        }
        return file;
    }

    /** An image archive extracted into a local folder. */
    public Path images(ArtifactRef archive) {
        Path dir = root.resolve("images").resolve(archive.sha256());
        synchronized (locks.computeIfAbsent("images/" + archive.sha256(), k -> new Object())) {
            if (Files.isDirectory(dir)) {
                return dir;
            }
            Path zip = file(archive);
            try {
                Path tmp = Files.createDirectories(root.resolve("images"))
                        .resolve(".extract-" + archive.sha256() + "-" + ProcessHandle.current().pid());
                ImageArchive.extract(zip, tmp);
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract images " + archive.sha256() + ": " + e.getMessage(), e);
            }
            return dir;
        }
    }
}

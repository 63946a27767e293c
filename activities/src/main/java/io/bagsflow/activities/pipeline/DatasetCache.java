package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.FileTrees;
import io.bagsflow.activities.Sha256;
import io.bagsflow.model.pipeline.ArtifactRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Enumeration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's local copies of the artifacts its stages read (datasets, image archives extracted, checkpoints,
 * results), by content hash under {@code BAGSFLOW_HOME/cache}: downloaded once per worker and shared by every stage
 * and run that needs the same bytes. Entries appear by atomic rename, so a crash never leaves a half-written one in
 * place (at worst an {@code .extract-*} folder, which is never read and which {@code bagsflow gc} removes).
 *
 * <p>Files on disk can still be damaged later (a full disk, a stray edit): each entry is checked on its first use in
 * a process (a file against its hash, an extracted folder against its archive's entries and sizes) and fetched
 * again if it does not match, so a damaged cache is never reported as bad input. Each use sets the entry's
 * modification time, which {@code bagsflow gc} reads as "last used".
 */
public final class DatasetCache {

    private static final Logger log = LoggerFactory.getLogger(DatasetCache.class);

    private final ArtifactStore store;
    private final Path root;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    /** Entries checked in this process. */
    private final Set<String> checked = ConcurrentHashMap.newKeySet();

    public DatasetCache(ArtifactStore store, Path root) {
        this.store = store;
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The artifact as a local file. */
    public Path file(ArtifactRef artifact) {
        String sha = artifact.sha256();
        Path file = root.resolve("files").resolve(sha);
        synchronized (locks.computeIfAbsent(sha, k -> new Object())) {
            if (Files.exists(file) && !checked.contains(sha)) {
                String actual = Sha256.of(file);
                if (!actual.equals(sha)) {
                    log.warn("cached {} is damaged (its bytes hash to {}); fetching it again", file, actual);
                    delete(file);
                }
            }
            if (!Files.exists(file)) {
                store.get(sha, file);
            }
            checked.add(sha);
            touch(file);
        }
        return file;
    }

    /** An image archive extracted into a local folder. */
    public Path images(ArtifactRef archive) {
        Path dir = root.resolve("images").resolve(archive.sha256());
        String key = "images/" + archive.sha256();
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            Path zip = file(archive);
            if (Files.isDirectory(dir) && !checked.contains(key) && !matches(zip, dir)) {
                log.warn("extracted images {} do not match their archive; extracting again", dir);
                delete(dir);
            }
            if (!Files.isDirectory(dir)) {
                try {
                    Path tmp = Files.createDirectories(root.resolve("images"))
                            .resolve(".extract-" + archive.sha256() + "-"
                                    + ProcessHandle.current().pid());
                    delete(tmp);
                    ImageArchive.extract(zip, tmp);
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot extract images " + archive.sha256() + ": " + e.getMessage(), e);
                }
            }
            checked.add(key);
            touch(dir);
            return dir;
        }
    }

    /** Whether every file of the archive is in the folder with its size (a truncated image is caught). */
    static boolean matches(Path zip, Path dir) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                Path f = dir.resolve(e.getName()).normalize();
                if (!f.startsWith(dir) || !Files.isRegularFile(f) || Files.size(f) != e.getSize()) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void touch(Path p) {
        try {
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ignored) {
            // only gc's idea of "last used" suffers
        }
    }

    static void delete(Path p) {
        FileTrees.delete(p);
    }
}

package io.bagsflow.activities;

import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.db.StorageRepository.CheckpointRecord;
import io.bagsflow.ml.io.AtomicFiles;
import io.minio.MinioAsyncClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Deletes what nothing references: checkpoints superseded by the newest N of their attempt, temporary objects,
 * objects no row names (outputs of failed attempts), multipart uploads that never completed, extraction leftovers,
 * work folders of ended runs, and worker cache entries unused for a while. Never what a RUNNING or
 * WAITING_FOR_RETRY run may still need: their checkpoints and work folders, and nothing stored after the oldest of
 * them started; nothing younger than {@code minAge} (an upload in flight is not yet referenced).
 *
 * <p>{@link #verify} reads every stored object, and removes and records as corrupt those whose bytes do not hash to
 * their key.
 */
public final class StorageGc {

    /** What gc deletes, by kind. */
    public enum Kind {
        CHECKPOINT("superseded checkpoints"),
        TEMPORARY("temporary objects"),
        UNREFERENCED("unreferenced objects"),
        MULTIPART("incomplete multipart uploads"),
        EXTRACTION("extraction leftovers"),
        WORK_FOLDER("work folders of ended runs"),
        CACHE("cache entries not used recently");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** One thing deleted (or that would be, in a dry run). */
    public record Freed(Kind kind, String name, long bytes) {}

    /** The outcome of a gc: what was freed, and what could not be looked at (a server without multipart listing). */
    public record Report(List<Freed> freed, List<String> notes) {

        public long bytes() {
            return freed.stream().mapToLong(Freed::bytes).sum();
        }

        public Map<Kind, List<Freed>> byKind() {
            Map<Kind, List<Freed>> out = new java.util.EnumMap<>(Kind.class);
            for (Freed f : freed) {
                out.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f);
            }
            return out;
        }
    }

    /** Settings: keep the newest {@code keepCheckpoints} per attempt; ages as described on the class. */
    public record Options(boolean dryRun, int keepCheckpoints, Duration minAge, Duration cacheUnused) {

        public Options {
            if (keepCheckpoints < 0) {
                throw new IllegalArgumentException("--keep-checkpoints must be >= 0, got " + keepCheckpoints);
            }
        }
    }

    private final ArtifactStore store;
    private final StorageRepository storage;
    private final RunStateRepository runs;
    private final Path home;

    /**
     * {@code home} is BAGSFLOW_HOME: its {@code cache} and {@code work} folders are cleaned too, but not the work
     * folders of the runs still open in {@code runs}.
     */
    public StorageGc(ArtifactStore store, StorageRepository storage, RunStateRepository runs, Path home) {
        this.store = store;
        this.storage = storage;
        this.runs = runs;
        this.home = home;
    }

    public Report collect(Options options, MinioAsyncClient multipart) {
        Instant now = Instant.now();
        Instant cutoff = now.minus(options.minAge());
        Optional<Instant> activeSince = storage.oldestActiveRunStart();
        Instant objectCutoff = activeSince.filter(a -> a.isBefore(cutoff)).orElse(cutoff);
        List<Freed> freed = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Long> sizes = new HashMap<>();
        for (ArtifactStore.Listed o : store.list("sha256/")) {
            sizes.put(o.key(), o.size());
        }

        // checkpoints beyond the newest N of their attempt, unless other rows still name the same bytes
        List<CheckpointRecord> superseded = storage.supersededCheckpoints(options.keepCheckpoints());
        Map<String, Integer> candidatesPerHash = new HashMap<>();
        superseded.forEach(k -> candidatesPerHash.merge(k.sha256(), 1, Integer::sum));
        Set<String> goneHashes = new HashSet<>();
        for (Map.Entry<String, Integer> e : candidatesPerHash.entrySet()) {
            if (storage.checkpointRows(e.getKey()) == e.getValue()) {
                goneHashes.add(e.getKey());
            }
        }
        for (CheckpointRecord k : superseded) {
            if (!goneHashes.contains(k.sha256())) {
                continue;
            }
            String key = ArtifactStore.keyOf(k.sha256());
            Long size = sizes.remove(key);
            if (size != null) {
                freed.add(new Freed(Kind.CHECKPOINT, key, size));
                if (!options.dryRun()) {
                    store.removeKey(key);
                }
            }
            if (!options.dryRun()) {
                storage.deleteCheckpoint(k.attemptId(), k.iteration());
            }
        }

        // objects nothing names: outputs of failed attempts, checkpoints of forgotten attempts
        Set<String> referenced = storage.referencedHashes();
        referenced.removeAll(goneHashes);
        for (ArtifactStore.Listed o : store.list("sha256/")) {
            String sha = o.key().substring(o.key().lastIndexOf('/') + 1);
            if (!referenced.contains(sha)
                    && sizes.containsKey(o.key())
                    && o.lastModified().isBefore(objectCutoff)) {
                freed.add(new Freed(Kind.UNREFERENCED, o.key(), o.size()));
                if (!options.dryRun()) {
                    store.removeKey(o.key());
                }
            }
        }
        for (ArtifactStore.Listed o : store.list("tmp/")) {
            if (o.lastModified().isBefore(cutoff)) {
                freed.add(new Freed(Kind.TEMPORARY, o.key(), o.size()));
                if (!options.dryRun()) {
                    store.removeKey(o.key());
                }
            }
        }
        if (multipart != null) {
            try {
                for (ArtifactStore.IncompleteUpload u : store.incompleteUploads(multipart)) {
                    if (u.initiated().isBefore(cutoff)) {
                        freed.add(new Freed(Kind.MULTIPART, u.key() + " (upload " + u.uploadId() + ")", 0));
                        if (!options.dryRun()) {
                            store.abortUpload(multipart, u);
                        }
                    }
                }
            } catch (ArtifactStoreException e) {
                String m = String.valueOf(e.getMessage());
                notes.add(
                        m.contains("Response code: 501")
                                ? "incomplete multipart uploads not checked: this S3 "
                                        + "server does not implement listing them (HTTP 501); on MinIO or AWS a bucket lifecycle rule "
                                        + "(AbortIncompleteMultipartUpload) removes them"
                                : "incomplete multipart uploads not checked: " + m);
            }
        }
        localFiles(options, cutoff, now, freed);
        return new Report(freed, notes);
    }

    private void localFiles(Options options, Instant cutoff, Instant now, List<Freed> freed) {
        Path cache = home.resolve("cache");
        Instant unusedBefore = now.minus(options.cacheUnused());
        for (Path p : children(cache.resolve("images"))) {
            String name = p.getFileName().toString();
            if (name.startsWith(".extract-") && modified(p).isBefore(cutoff)) {
                delete(Kind.EXTRACTION, p, options, freed);
            } else if (!name.startsWith(".") && modified(p).isBefore(unusedBefore)) {
                delete(Kind.CACHE, p, options, freed);
            }
        }
        for (Path p : children(cache.resolve("files"))) {
            String name = p.getFileName().toString();
            // .download-*: left by versions before downloads went through AtomicFiles
            if ((name.startsWith(".download-") || AtomicFiles.isTemporary(name))
                    && modified(p).isBefore(cutoff)) {
                delete(Kind.EXTRACTION, p, options, freed);
            } else if (!name.startsWith(".") && modified(p).isBefore(unusedBefore)) {
                delete(Kind.CACHE, p, options, freed);
            }
        }
        Set<String> active = Set.copyOf(runs.openRuns());
        for (Path p : children(home.resolve("work"))) {
            if (!active.contains(p.getFileName().toString()) && modified(p).isBefore(cutoff)) {
                delete(Kind.WORK_FOLDER, p, options, freed);
            }
        }
    }

    /**
     * Hashes every stored object; removes and records as corrupt the ones whose bytes do not match their key
     * (only lists them in a dry run). Returns them.
     */
    public List<Freed> verify(boolean dryRun) {
        List<Freed> corrupt = new ArrayList<>();
        for (ArtifactStore.Listed o : store.list("sha256/")) {
            String sha = o.key().substring(o.key().lastIndexOf('/') + 1);
            if (!sha.matches("[0-9a-f]{64}")) {
                continue;
            }
            Optional<String> actual = store.damage(sha);
            if (actual.isPresent()) {
                corrupt.add(new Freed(Kind.UNREFERENCED, o.key(), o.size()));
                if (!dryRun) {
                    storage.markCorrupt(o.key(), sha, actual.get(), StorageRepository.Detection.VERIFY);
                    store.removeKey(o.key());
                }
            }
        }
        return corrupt;
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    private static void delete(Kind kind, Path p, Options options, List<Freed> freed) {
        long bytes;
        try (Stream<Path> walk = Files.walk(p)) {
            bytes = walk.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        } catch (IOException e) {
            bytes = 0;
        }
        freed.add(new Freed(kind, p.toString(), bytes));
        if (options.dryRun()) {
            return;
        }
        FileTrees.delete(p);
    }
}

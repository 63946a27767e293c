package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.Sha256;
import io.bagsflow.activities.StoredArtifact;
import io.bagsflow.activities.TestS3;
import io.bagsflow.model.pipeline.ArtifactRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's local copies of artifacts, against a real S3 server: fetched once and shared, checked on first use in
 * a process, and marked as used for {@code bagsflow gc}.
 */
class DatasetCacheTest {

    private static final String BUCKET = "dataset-cache-test";
    private final ArtifactStore store = TestS3.get().store(BUCKET);

    @TempDir
    Path cacheRoot;

    /** Stores bytes unique to this test, so that no other test's object is the same. */
    private ArtifactRef stored(String text) {
        StoredArtifact a =
                store.put((text + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), "application/json");
        return new ArtifactRef(a.sha256(), a.size(), a.mediaType());
    }

    @Test
    void anArtifactIsDownloadedOnceAndThenReadFromTheCache() throws Exception {
        ArtifactRef train = stored("{\"images\": [], \"annotations\": []}");
        DatasetCache cache = new DatasetCache(store, cacheRoot);
        Path file = cache.file(train);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(train.sha256(), Sha256.of(file));

        // the server loses the object: the cache still has it, for this process and for the next
        Files.delete(TestS3.get().behindTheServer(BUCKET, ArtifactStore.keyOf(train.sha256())));
        assertEquals(file, cache.file(train));
        assertArrayEquals(bytes, Files.readAllBytes(new DatasetCache(store, cacheRoot).file(train)));
    }

    @Test
    void aDamagedFileIsFetchedAgainOnItsFirstUseInANewProcess() throws Exception {
        ArtifactRef val = stored("{\"images\": [], \"annotations\": []}");
        Path cached = new DatasetCache(store, cacheRoot).file(val);
        byte[] bytes = Files.readAllBytes(cached);
        Files.write(cached, new byte[] {'{'}); // truncated on disk

        // a new process (a new cache object) checks each entry on first use
        Path again = new DatasetCache(store, cacheRoot).file(val);
        assertEquals(cached, again);
        assertArrayEquals(bytes, Files.readAllBytes(again));
    }

    @Test
    void anImageArchiveIsExtractedOnceAndReExtractedWhenAFileWasDamaged(@TempDir Path images) throws Exception {
        Files.writeString(images.resolve("000001.png"), "pixels of image one " + UUID.randomUUID());
        Files.writeString(images.resolve("000002.png"), "pixels of image two");
        Path zip = images.resolveSibling(images.getFileName() + ".zip");
        ImageArchive.write(images, List.of("000001.png", "000002.png"), zip);
        StoredArtifact a = store.put(zip, "application/zip");
        ArtifactRef archive = new ArtifactRef(a.sha256(), a.size(), a.mediaType());

        Path dir = new DatasetCache(store, cacheRoot).images(archive);
        assertEquals(Files.readString(images.resolve("000001.png")), Files.readString(dir.resolve("000001.png")));
        assertEquals("pixels of image two", Files.readString(dir.resolve("000002.png")));

        Files.writeString(dir.resolve("000002.png"), "pix"); // a truncated image
        Path again = new DatasetCache(store, cacheRoot).images(archive);
        assertEquals(dir, again);
        assertEquals("pixels of image two", Files.readString(again.resolve("000002.png")));
    }

    @Test
    void everyUseMarksTheEntryAsRecentlyUsedForGc() throws Exception {
        ArtifactRef groups = stored("{\"groups\": []}");
        DatasetCache cache = new DatasetCache(store, cacheRoot);
        Path file = cache.file(groups);
        FileTime longAgo = FileTime.from(Instant.now().minus(30, ChronoUnit.DAYS));
        Files.setLastModifiedTime(file, longAgo);

        cache.file(groups);
        assertTrue(
                Files.getLastModifiedTime(file)
                        .toInstant()
                        .isAfter(Instant.now().minus(1, ChronoUnit.HOURS)),
                "last used " + Files.getLastModifiedTime(file));
    }
}

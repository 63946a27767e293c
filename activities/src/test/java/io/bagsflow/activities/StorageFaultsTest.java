package io.bagsflow.activities;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.db.TestPostgres;
import io.minio.MinioClient;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged bytes and unreachable servers, against a real S3 server: bad bytes are written behind the server,
 * into its filesystem backend, as a failing disk would.
 */
class StorageFaultsTest {

    private static final String BUCKET = "storage-faults-test";
    private static final List<String> damaged = new ArrayList<>();
    private static final List<String> stored = new ArrayList<>();
    private static ArtifactStore store;

    @BeforeAll
    static void connect() {
        store = TestS3.get().store(BUCKET).withDamageListener(new ArtifactStore.Damage() {
            @Override
            public void corrupt(String key, String expected, String actual, String detectedBy) {
                damaged.add(detectedBy + " " + key);
            }

            @Override
            public void stored(String sha256) {
                stored.add(sha256);
            }
        });
    }

    /** The object's file in the S3 server's filesystem backend. */
    static Path behindTheServer(String bucket, String key) {
        return TestS3.get().behindTheServer(bucket, key);
    }

    static void flipBytes(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            bytes[bytes.length / 2 + i - Math.min(8, bytes.length) / 2] ^= 0x5a;
        }
        Files.write(file, bytes);
    }

    @Test
    void aCorruptDownloadIsRecordedAndRemovedAndTheNextPutStoresItAgain(@TempDir Path dir) throws Exception {
        byte[] bytes = "a checkpoint, say".repeat(100).getBytes(StandardCharsets.UTF_8);
        StoredArtifact a = store.put(bytes, "application/zip");
        flipBytes(behindTheServer(BUCKET, a.key()));

        CorruptArtifactException e =
                assertThrows(CorruptArtifactException.class, () -> store.get(a.sha256(), dir.resolve("x")));
        assertEquals(a.sha256(), e.expectedSha256());
        assertTrue(e.getMessage().contains(a.key()), e.getMessage());
        assertTrue(damaged.contains("DOWNLOAD " + a.key()), damaged::toString);
        assertFalse(store.exists(a.sha256()), "the corrupt object is removed");
        assertFalse(Files.exists(dir.resolve("x")), "no wrong bytes reach the target file");

        store.put(bytes, "application/zip");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.get(a.sha256(), out);
        assertArrayEquals(bytes, out.toByteArray());
        assertTrue(stored.contains(a.sha256()), "the store reports that the bytes are intact again");
    }

    @Test
    void puttingAnExistingKeyVerifiesTheStoredBytesAndReplacesADamagedObject(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.zip");
        Files.writeString(file, "weights ".repeat(500));
        StoredArtifact a = store.put(file, "application/zip");
        // same size, other bytes: a size check alone would keep it
        flipBytes(behindTheServer(BUCKET, a.key()));
        assertTrue(store.damage(a.sha256()).isPresent());

        assertEquals(a, store.put(file, "application/zip"));
        assertTrue(damaged.contains("PUT " + a.key()), damaged::toString);
        assertTrue(store.damage(a.sha256()).isEmpty(), "the object holds its bytes again");

        // truncated: replaced as well
        Files.write(behindTheServer(BUCKET, a.key()), new byte[10]);
        store.put(file, "application/zip");
        assertTrue(store.damage(a.sha256()).isEmpty());
    }

    @Test
    void gcSaysSoWhenTheServerCannotListKilledMultipartUploads(@TempDir Path home) throws Exception {
        TestS3 s3 = TestS3.get();
        io.minio.MinioAsyncClient async = io.minio.MinioAsyncClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey())
                .region("us-east-1")
                .build();
        // an upload that started, sent a part, and was never completed: what a killed upload leaves
        String uploadId = async.createMultipartUploadAsync(BUCKET, null, "tmp/killed", null, null)
                .get()
                .result()
                .uploadId();
        byte[] part = new byte[1024];
        async.uploadPartAsync(BUCKET, null, "tmp/killed", part, part.length, uploadId, 1, null, null)
                .get();

        try (io.bagsflow.db.Database db = TestPostgres.freshDatabase()) {
            StorageGc.Report report = new StorageGc(
                            store,
                            new io.bagsflow.db.StorageRepository(db),
                            new io.bagsflow.db.RunStateRepository(db),
                            home)
                    .collect(new StorageGc.Options(true, 1, Duration.ZERO, Duration.ofDays(7)), async);
            // the embedded S3 server (s3proxy, filesystem) answers 501 to ListMultipartUploads; MinIO lists them
            assertTrue(
                    report.notes().stream().anyMatch(n -> n.contains("multipart") && n.contains("501")),
                    report.notes()::toString);
        }
        async.abortMultipartUploadAsync(BUCKET, null, "tmp/killed", uploadId, null, null)
                .get();
    }

    @Test
    void anUnreachableS3ServerIsRetriedForTheWindowThenNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MinioClient nobody = MinioClient.builder()
                .endpoint("http://127.0.0.1:" + port)
                .credentials("a", "b")
                .region("us-east-1")
                .build();
        ArtifactStore unreachable =
                new ArtifactStore(nobody, "nobody-home").withOutages(Outages.waiting(Duration.ofSeconds(3)));
        long t0 = System.nanoTime();
        OutageException e = assertThrows(OutageException.class, () -> unreachable.put(new byte[] {1}, "x/y"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(Outages.Dependency.S3, e.dependency());
        assertTrue(e.getMessage().startsWith("the S3 server was unreachable for 3 s"), e.getMessage());
        assertTrue(seconds >= 1, "retried with backoff before giving up: " + seconds + " s");
    }
}

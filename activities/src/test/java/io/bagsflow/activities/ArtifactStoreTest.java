package io.bagsflow.activities;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The artifact store against a real S3 server (s3proxy on the filesystem), through the MinIO client. */
class ArtifactStoreTest {

    private static ArtifactStore store;

    @BeforeAll
    static void connect() {
        store = TestS3.get().store("artifact-store-test");
    }

    @Test
    void smallBytesAreStoredUnderTheirHash() {
        byte[] bytes = "{\"hello\": \"artifacts\"}".getBytes(StandardCharsets.UTF_8);
        StoredArtifact a = store.put(bytes, "application/json");
        assertEquals(sha256(bytes), a.sha256());
        assertEquals(bytes.length, a.size());
        assertEquals("sha256/" + a.sha256().substring(0, 2) + "/" + a.sha256(), a.key());
        assertTrue(store.exists(a.sha256()));
        assertEquals("application/json", store.stat(a.sha256()).orElseThrow().mediaType());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.get(a.sha256(), out);
        assertArrayEquals(bytes, out.toByteArray());
    }

    @Test
    void puttingTheSameBytesTwiceIsANoOp() throws IOException {
        byte[] bytes = "same bytes".getBytes(StandardCharsets.UTF_8);
        StoredArtifact first = store.put(bytes, "text/plain");
        StoredArtifact again = store.put(new java.io.ByteArrayInputStream(bytes), "text/plain");
        assertEquals(first, again);
        Path file = Files.createTempFile("same", ".txt");
        Files.write(file, bytes);
        assertEquals(first, store.put(file, "text/plain"));
    }

    @Test
    void anUnknownHashIsAbsent() {
        String missing = "0".repeat(64);
        assertFalse(store.exists(missing));
        assertTrue(store.stat(missing).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.exists("../etc/passwd"));
    }

    @Test
    void a200MegabyteStreamOfUnknownSizeGoesUpAndComesBackIntact(@TempDir Path dir) throws Exception {
        long size = 200L * 1024 * 1024;
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        StoredArtifact stored;
        try (InputStream in = new RandomStream(size, 42, expected)) {
            stored = store.put(in, "application/octet-stream");
        }
        String sha = HexFormat.of().formatHex(expected.digest());
        assertEquals(sha, stored.sha256());
        assertEquals(size, stored.size());
        assertEquals(size, store.stat(sha).orElseThrow().size());

        // download to a file: streamed, verified, moved into place
        Path file = store.get(sha, dir.resolve("big.bin"));
        assertEquals(size, Files.size(file));
        MessageDigest actual = MessageDigest.getInstance("SHA-256");
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), actual)) {
            Files.copy(file, sink);
        }
        assertEquals(sha, HexFormat.of().formatHex(actual.digest()));

        // the same 200 MB again: recognised, nothing overwritten
        try (InputStream in = new RandomStream(size, 42, MessageDigest.getInstance("SHA-256"))) {
            assertEquals(stored, store.put(in, "application/octet-stream"));
        }
    }

    @Test
    void aFileIsHashedThenUploadedOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("checkpoint.zip");
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new SplittableRandom(7).nextBytes(bytes);
        Files.write(file, bytes);
        StoredArtifact a = store.put(file, "application/zip");
        assertEquals(sha256(bytes), a.sha256());
        Path back = store.get(a.sha256(), dir.resolve("back/checkpoint.zip"));
        assertArrayEquals(bytes, Files.readAllBytes(back));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deterministic pseudo-random stream of a given length that never exists in memory as a whole. */
    private static final class RandomStream extends InputStream {
        private final SplittableRandom random;
        private final MessageDigest digest;
        private long left;

        RandomStream(long size, long seed, MessageDigest digest) {
            this.random = new SplittableRandom(seed);
            this.digest = digest;
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            digest.update(b, off, n);
            left -= n;
            return n;
        }
    }
}

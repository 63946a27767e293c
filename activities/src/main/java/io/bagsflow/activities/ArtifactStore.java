package io.bagsflow.activities;

import io.minio.BucketExistsArgs;
import io.minio.ComposeObjectArgs;
import io.minio.ComposeSource;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Content-addressed artifact storage on any S3 server, through the MinIO client. An artifact's key is derived
 * from the SHA-256 of its bytes ({@code sha256/ab/abcd...}), so putting the same bytes twice is a no-op and a key
 * can never hold different bytes: an existing object is never overwritten.
 *
 * <p>Streams are hashed while they are uploaded: an unknown-size stream goes up in multipart parts to a
 * temporary key and is then copied server-side to its content key. Downloads are hashed too and fail if the
 * bytes do not match their key.
 */
public final class ArtifactStore {

    /** Multipart part size: bounds the memory one upload holds, whatever the artifact's size. */
    static final long PART_SIZE = 16L * 1024 * 1024;
    /** S3's limit for a single-request server-side copy. */
    private static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;

    private final MinioClient client;
    private final String bucket;

    public ArtifactStore(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    /** Connects to an S3 endpoint and makes sure the bucket exists. */
    public static ArtifactStore connect(String endpoint, String accessKey, String secretKey, String bucket) {
        MinioClient client = MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                // A fixed region spares a GetBucketLocation round trip, which some S3 servers do not implement.
                .region("us-east-1")
                .build();
        ArtifactStore store = new ArtifactStore(client, bucket);
        store.ensureBucket();
        return store;
    }

    public String bucket() {
        return bucket;
    }

    /** Plain objects of any bucket the same credentials can read (datasets kept in S3). */
    public S3Objects objects() {
        return new S3Objects(client);
    }

    /** The key an artifact with this hash is stored under. */
    public static String keyOf(String sha256) {
        return "sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    void ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (ErrorResponseException e) {
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                throw failure("cannot create bucket " + bucket, e);
            }
        } catch (Exception e) {
            throw failure("cannot reach bucket " + bucket, e);
        }
    }

    /** Stores a file. The file is hashed first, so bytes already stored are not uploaded again. */
    public StoredArtifact put(Path file, String mediaType) {
        String sha256;
        long size;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DigestInputStream digest = new DigestInputStream(in, Sha256.digest());
            size = digest.transferTo(OutputStream.nullOutputStream());
            sha256 = Sha256.hex(digest.getMessageDigest());
        } catch (IOException e) {
            throw new ArtifactStoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Optional<StoredArtifact> existing = stat(sha256);
        if (existing.isPresent()) {
            return checkSame(existing.get(), size);
        }
        String key = keyOf(sha256);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            // S3 makes an object visible only once its upload completes, so a crash here leaves nothing behind.
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(in, size, size > PART_SIZE ? PART_SIZE : -1)
                    .contentType(mediaType)
                    .userMetadata(Map.of("sha256", sha256))
                    .build());
        } catch (Exception e) {
            throw failure("cannot upload " + file + " to " + key, e);
        }
        return new StoredArtifact(sha256, size, mediaType, key);
    }

    /**
     * Stores a stream of unknown size, hashing it on the way: it goes up in multipart parts to a temporary key, is
     * copied to its content key unless that already exists, and the temporary object is removed.
     */
    public StoredArtifact put(InputStream stream, String mediaType) {
        String tmpKey = "tmp/" + UUID.randomUUID();
        DigestInputStream digest = new DigestInputStream(stream, Sha256.digest());
        CountingInputStream counted = new CountingInputStream(digest);
        try {
            try {
                client.putObject(PutObjectArgs.builder().bucket(bucket).object(tmpKey)
                        .stream(counted, -1, PART_SIZE)
                        .contentType(mediaType)
                        .build());
            } catch (Exception e) {
                throw failure("cannot upload stream to " + tmpKey, e);
            }
            String sha256 = Sha256.hex(digest.getMessageDigest());
            long size = counted.count();
            Optional<StoredArtifact> existing = stat(sha256);
            if (existing.isPresent()) {
                return checkSame(existing.get(), size);
            }
            String key = keyOf(sha256);
            copy(tmpKey, key, size, mediaType, sha256);
            return new StoredArtifact(sha256, size, mediaType, key);
        } finally {
            remove(tmpKey);
        }
    }

    /** Stores bytes held in memory (small JSON files and the like). */
    public StoredArtifact put(byte[] bytes, String mediaType) {
        String sha256 = Sha256.of(bytes);
        Optional<StoredArtifact> existing = stat(sha256);
        if (existing.isPresent()) {
            return checkSame(existing.get(), bytes.length);
        }
        String key = keyOf(sha256);
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                    .contentType(mediaType)
                    .userMetadata(Map.of("sha256", sha256))
                    .build());
        } catch (Exception e) {
            throw failure("cannot upload to " + key, e);
        }
        return new StoredArtifact(sha256, bytes.length, mediaType, key);
    }

    /** Size and media type of a stored artifact, or empty if none has this hash. */
    public Optional<StoredArtifact> stat(String sha256) {
        String key = keyOf(checkHash(sha256));
        try {
            StatObjectResponse st = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.of(new StoredArtifact(sha256, st.size(), st.contentType(), key));
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code)) {
                return Optional.empty();
            }
            throw failure("cannot stat " + key, e);
        } catch (Exception e) {
            throw failure("cannot stat " + key, e);
        }
    }

    public boolean exists(String sha256) {
        return stat(sha256).isPresent();
    }

    /** Opens the artifact's bytes as a stream; the caller closes it. Not verified: use {@link #get} for that. */
    public InputStream open(String sha256) {
        String key = keyOf(checkHash(sha256));
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw failure("cannot download " + key, e);
        }
    }

    /** Streams the artifact into {@code out}, verifying its hash at the end. */
    public long get(String sha256, OutputStream out) {
        try (InputStream in = open(sha256)) {
            DigestInputStream digest = new DigestInputStream(in, Sha256.digest());
            long n = digest.transferTo(out);
            verify(sha256, digest.getMessageDigest());
            return n;
        } catch (IOException e) {
            throw new ArtifactStoreException("cannot download " + keyOf(sha256) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Downloads the artifact to {@code file}: written to a temporary file beside it, verified, then moved into
     * place, so {@code file} never holds partial or wrong bytes.
     */
    public Path get(String sha256, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".download-", ".part");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                get(sha256, out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new ArtifactStoreException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover .part file is harmless and recognisable
                }
            }
        }
    }

    private void copy(String from, String to, long size, String mediaType, String sha256) {
        try {
            if (size <= MAX_SINGLE_COPY) {
                client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(to)
                        .source(CopySource.builder().bucket(bucket).object(from).build())
                        .headers(Map.of("Content-Type", mediaType))
                        .userMetadata(Map.of("sha256", sha256))
                        .metadataDirective(Directive.REPLACE)
                        .build());
            } else {
                client.composeObject(ComposeObjectArgs.builder().bucket(bucket).object(to)
                        .sources(List.of(ComposeSource.builder().bucket(bucket).object(from).build()))
                        .headers(Map.of("Content-Type", mediaType))
                        .userMetadata(Map.of("sha256", sha256))
                        .build());
            }
        } catch (Exception e) {
            throw failure("cannot copy " + from + " to " + to, e);
        }
    }

    private void remove(String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception ignored) {
            // a leftover tmp/ object wastes space but is never referenced; a bucket lifecycle rule can expire it
        }
    }

    private static StoredArtifact checkSame(StoredArtifact existing, long size) {
        if (existing.size() != size) {
            throw new ArtifactStoreException("artifact " + existing.key() + " already holds " + existing.size()
                    + " bytes but the new content with the same hash has " + size + "; refusing to overwrite");
        }
        return existing;
    }

    private static void verify(String expected, MessageDigest digest) {
        String actual = Sha256.hex(digest);
        if (!actual.equals(expected)) {
            throw new ArtifactStoreException("artifact " + keyOf(expected) + " is corrupt: its bytes hash to "
                    + actual);
        }
    }

    private static String checkHash(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + sha256);
        }
        return sha256;
    }

    private ArtifactStoreException failure(String what, Exception e) {
        String detail = e instanceof ErrorResponseException ere ? ere.errorResponse().code() + ": "
                + ere.errorResponse().message() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new ArtifactStoreException(what + " in bucket " + bucket + " (" + detail + ")", e);
    }

    /** Counts the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}

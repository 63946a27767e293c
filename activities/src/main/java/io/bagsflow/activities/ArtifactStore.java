package io.bagsflow.activities;

import io.bagsflow.ml.io.AtomicFiles;
import io.minio.BucketExistsArgs;
import io.minio.ComposeObjectArgs;
import io.minio.ComposeSource;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.minio.messages.Upload;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed artifact storage on any S3 server, through the MinIO client. An artifact's key is derived
 * from the SHA-256 of its bytes ({@code sha256/ab/abcd...}), so putting the same bytes twice is a no-op and a key
 * can never hold different bytes: an existing object is never overwritten.
 *
 * <p>Streams are hashed while they are uploaded: an unknown-size stream goes up in multipart parts to a
 * temporary key and is then copied server-side to its content key. Downloads are hashed too and fail if the
 * bytes do not match their key: the object is then removed (and reported to the {@link Damage} listener) so that
 * the next put of the same content stores it again; a put of an existing key hashes the stored bytes and replaces
 * a damaged object.
 *
 * <p>Every call to the server is retried with backoff while the server is unreachable, for the {@link Outages}
 * window; then it fails with an {@link OutageException} that names S3.
 */
public final class ArtifactStore {

    /** Multipart part size: bounds the memory one upload holds, whatever the artifact's size. */
    static final long PART_SIZE = 16L * 1024 * 1024;
    /** S3's limit for a single-request server-side copy. */
    private static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);

    /** Told when stored bytes turn out damaged, and when content is stored (which repairs earlier damage). */
    public interface Damage {
        void corrupt(String key, String expectedSha256, String actualSha256, String detectedBy);

        void stored(String sha256);

        Damage NONE = new Damage() {
            @Override
            public void corrupt(String key, String expectedSha256, String actualSha256, String detectedBy) {}

            @Override
            public void stored(String sha256) {}
        };
    }

    /** An object in the bucket, for listings (gc, verify). */
    public record Listed(String key, long size, Instant lastModified) {}

    /** A multipart upload that never completed: its parts take space until it is aborted. */
    public record IncompleteUpload(String key, String uploadId, Instant initiated) {}

    /** Where an S3 server is and the keys to it (the bucket stays the same when the server moves). */
    public record Location(String endpoint, String accessKey, String secretKey, Path trustedCa) {
        public Location(String endpoint, String accessKey, String secretKey) {
            this(endpoint, accessKey, secretKey, null);
        }

        @Override
        public String toString() {
            return endpoint; // never the keys
        }
    }

    private final S3Connection connection;
    private final String bucket;
    /** As given: the window, and the listeners of whoever made this store. */
    private final Outages outages;
    /** {@link #outages}, also telling the connection about unreachable calls (so that it can follow a move). */
    private final Outages calls;

    private final Damage damage;

    public ArtifactStore(MinioClient client, String bucket) {
        this(new S3Connection(client, null), bucket, Outages.fromEnvironment(), Damage.NONE);
    }

    private ArtifactStore(S3Connection connection, String bucket, Outages outages, Damage damage) {
        this.connection = connection;
        this.bucket = bucket;
        this.outages = outages;
        this.calls = outages.notifying(connection);
        this.damage = damage;
    }

    /** The same store, waiting out outages for another window (short for checkpoints, which may be skipped). */
    public ArtifactStore withOutages(Outages other) {
        return new ArtifactStore(connection, bucket, other, damage);
    }

    /** The same store, reporting damaged objects (and stores that repair them) to {@code listener}. */
    public ArtifactStore withDamageListener(Damage listener) {
        return new ArtifactStore(connection, bucket, outages, listener);
    }

    /**
     * From now on, when the server is unreachable, asks {@code locator} where it is now (empty: not known just now) and
     * follows it there; shared with every copy of this store.
     */
    public ArtifactStore followingServer(Supplier<Optional<Location>> locator) {
        connection.follow(locator);
        return this;
    }

    /** Looks the server up again now; true if it moved (tests, and callers that saw a failure of their own). */
    public boolean relocate() {
        return connection.relocate();
    }

    public Outages outages() {
        return outages;
    }

    /** Connects to an S3 endpoint and makes sure the bucket exists. */
    public static ArtifactStore connect(String endpoint, String accessKey, String secretKey, String bucket) {
        return connect(new Location(endpoint, accessKey, secretKey), bucket);
    }

    /** As {@link #connect(String, String, String, String)}; an HTTPS endpoint's certificate is checked against the
     * location's authority when it names one (a worker that joined with a connection file). */
    public static ArtifactStore connect(Location location, String bucket) {
        ArtifactStore store = new ArtifactStore(
                new S3Connection(client(location), location), bucket, Outages.fromEnvironment(), Damage.NONE);
        store.ensureBucket();
        return store;
    }

    static MinioClient client(Location location) {
        MinioClient.Builder builder = MinioClient.builder();
        if (location.trustedCa() != null) {
            builder.httpClient(TrustedCa.httpClient(location.trustedCa()));
        }
        return builder.endpoint(location.endpoint())
                .credentials(location.accessKey(), location.secretKey())
                // A fixed region spares a GetBucketLocation round trip, which some S3 servers do not implement.
                .region("us-east-1")
                .build();
    }

    public String bucket() {
        return bucket;
    }

    /** Plain objects of any bucket the same credentials can read (datasets kept in S3). */
    public S3Objects objects() {
        return new S3Objects(connection, calls);
    }

    /** The key an artifact with this hash is stored under. */
    public static String keyOf(String sha256) {
        return "sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    void ensureBucket() {
        // one try: a command or a worker that starts against a server that is not there says so at once
        ensureBucketOnce();
    }

    private void ensureBucketOnce() {
        try {
            if (!connection
                    .client()
                    .bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                connection
                        .client()
                        .makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (ErrorResponseException e) {
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                throw failure("cannot create bucket " + bucket, e);
            }
        } catch (Exception e) {
            throw failure("cannot reach bucket " + bucket, e);
        }
    }

    /**
     * Stores a file. The file is hashed first, so bytes already stored are not uploaded again, unless the stored
     * object is damaged: then it is replaced.
     */
    public StoredArtifact put(Path file, String mediaType) {
        String sha256;
        long size;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DigestInputStream digest = new DigestInputStream(in, Sha256.digest());
            size = digest.transferTo(OutputStream.nullOutputStream());
            sha256 = Sha256.hex(digest.getMessageDigest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Optional<StoredArtifact> existing = intact(sha256, size);
        if (existing.isPresent()) {
            return existing.get();
        }
        String key = keyOf(sha256);
        retried("uploading " + file + " to " + key, () -> {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                // S3 makes an object visible only once its upload completes, so a crash here leaves nothing behind.
                connection
                        .client()
                        .putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                                        in, size, size > PART_SIZE ? PART_SIZE : -1)
                                .contentType(mediaType)
                                .userMetadata(Map.of("sha256", sha256))
                                .build());
            } catch (IOException e) {
                // reading the local file failed: not the server's fault
                if (!Files.isReadable(file)) {
                    throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
                }
                throw failure("cannot upload " + file + " to " + key, e);
            } catch (Exception e) {
                throw failure("cannot upload " + file + " to " + key, e);
            }
        });
        stored(sha256);
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
                connection
                        .client()
                        .putObject(PutObjectArgs.builder().bucket(bucket).object(tmpKey).stream(counted, -1, PART_SIZE)
                                .contentType(mediaType)
                                .build());
            } catch (Exception e) {
                throw failure("cannot upload stream to " + tmpKey, e);
            }
            String sha256 = Sha256.hex(digest.getMessageDigest());
            long size = counted.count();
            Optional<StoredArtifact> existing = intact(sha256, size);
            if (existing.isPresent()) {
                return existing.get();
            }
            String key = keyOf(sha256);
            retried("copying " + tmpKey + " to " + key, () -> copy(tmpKey, key, size, mediaType, sha256));
            stored(sha256);
            return new StoredArtifact(sha256, size, mediaType, key);
        } finally {
            remove(tmpKey);
        }
    }

    /** Stores bytes held in memory (small JSON files and the like). */
    public StoredArtifact put(byte[] bytes, String mediaType) {
        String sha256 = Sha256.of(bytes);
        Optional<StoredArtifact> existing = intact(sha256, bytes.length);
        if (existing.isPresent()) {
            return existing.get();
        }
        String key = keyOf(sha256);
        retried("uploading to " + key, () -> {
            try {
                connection
                        .client()
                        .putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                                        new ByteArrayInputStream(bytes), bytes.length, -1)
                                .contentType(mediaType)
                                .userMetadata(Map.of("sha256", sha256))
                                .build());
            } catch (Exception e) {
                throw failure("cannot upload to " + key, e);
            }
        });
        stored(sha256);
        return new StoredArtifact(sha256, bytes.length, mediaType, key);
    }

    /** Size and media type of a stored artifact, or empty if none has this hash. */
    public Optional<StoredArtifact> stat(String sha256) {
        String key = keyOf(checkHash(sha256));
        return calls.call(Outages.Dependency.S3, "looking up " + key, () -> statOnce(sha256, key));
    }

    private Optional<StoredArtifact> statOnce(String sha256, String key) {
        try {
            StatObjectResponse st = connection
                    .client()
                    .statObject(
                            StatObjectArgs.builder().bucket(bucket).object(key).build());
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
        return calls.call(Outages.Dependency.S3, "downloading " + key, () -> {
            try {
                return connection
                        .client()
                        .getObject(GetObjectArgs.builder()
                                .bucket(bucket)
                                .object(key)
                                .build());
            } catch (Exception e) {
                throw failure("cannot download " + key, e);
            }
        });
    }

    /**
     * Streams the artifact into {@code out}, verifying its hash at the end (not retried once bytes went out: use
     * {@link #get(String, Path)} for that). Bytes that do not match are a {@link CorruptArtifactException}.
     */
    public long get(String sha256, OutputStream out) {
        try (InputStream in = open(sha256)) {
            DigestInputStream digest = new DigestInputStream(in, Sha256.digest());
            long n = digest.transferTo(out);
            String actual = Sha256.hex(digest.getMessageDigest());
            if (!actual.equals(sha256)) {
                throw corrupt(sha256, actual, "DOWNLOAD");
            }
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
        return calls.call(
                Outages.Dependency.S3, "downloading " + keyOf(sha256) + " to " + file, () -> getOnce(sha256, file));
    }

    private Path getOnce(String sha256, Path file) {
        AtomicFiles.write(file, out -> get(sha256, out));
        return file;
    }

    private void copy(String from, String to, long size, String mediaType, String sha256) {
        try {
            if (size <= MAX_SINGLE_COPY) {
                connection
                        .client()
                        .copyObject(CopyObjectArgs.builder()
                                .bucket(bucket)
                                .object(to)
                                .source(CopySource.builder()
                                        .bucket(bucket)
                                        .object(from)
                                        .build())
                                .headers(Map.of("Content-Type", mediaType))
                                .userMetadata(Map.of("sha256", sha256))
                                .metadataDirective(Directive.REPLACE)
                                .build());
            } else {
                connection
                        .client()
                        .composeObject(ComposeObjectArgs.builder()
                                .bucket(bucket)
                                .object(to)
                                .sources(List.of(ComposeSource.builder()
                                        .bucket(bucket)
                                        .object(from)
                                        .build()))
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
            removeObject(key);
        } catch (Exception ignored) {
            // a leftover tmp/ object wastes space but is never referenced; `bagsflow gc` removes it
        }
    }

    /** Removes an object (gc, or damaged bytes); retried while the server is unreachable. */
    public void removeKey(String key) {
        retried("removing " + key, () -> {
            try {
                removeObject(key);
            } catch (Exception e) {
                throw failure("cannot remove " + key, e);
            }
        });
    }

    private void removeObject(String key) throws Exception {
        connection
                .client()
                .removeObject(
                        RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    }

    /** Every object under a prefix of the bucket ("" for all), sorted by key. */
    public List<Listed> list(String prefix) {
        return calls.call(Outages.Dependency.S3, "listing " + bucket + "/" + prefix, () -> {
            List<Listed> out = new ArrayList<>();
            try {
                for (Result<Item> r : connection
                        .client()
                        .listObjects(ListObjectsArgs.builder()
                                .bucket(bucket)
                                .prefix(prefix)
                                .recursive(true)
                                .build())) {
                    Item item = r.get();
                    if (!item.isDir()) {
                        out.add(new Listed(
                                item.objectName(),
                                item.size(),
                                item.lastModified() == null
                                        ? Instant.EPOCH
                                        : item.lastModified().toInstant()));
                    }
                }
            } catch (Exception e) {
                throw failure("cannot list " + prefix, e);
            }
            out.sort((a, b) -> a.key().compareTo(b.key()));
            return out;
        });
    }

    /**
     * The hash of the bytes stored under a content key, computed by reading them all: empty when they match the
     * key, else the hash they have. Used by {@code gc --verify} and by put before it trusts an existing object.
     */
    public Optional<String> damage(String sha256) {
        String key = keyOf(checkHash(sha256));
        String actual = calls.call(Outages.Dependency.S3, "reading " + key, () -> {
            try (InputStream in = connection
                    .client()
                    .getObject(
                            GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                DigestInputStream digest = new DigestInputStream(in, Sha256.digest());
                digest.transferTo(OutputStream.nullOutputStream());
                return Sha256.hex(digest.getMessageDigest());
            } catch (Exception e) {
                throw failure("cannot read " + key, e);
            }
        });
        return actual.equals(sha256) ? Optional.empty() : Optional.of(actual);
    }

    /**
     * Damaged bytes found: reported to the listener, the object removed (so reuse and resume see it missing and
     * the next put stores it again), and the exception to throw.
     */
    public CorruptArtifactException corrupt(String sha256, String actual, String detectedBy) {
        String key = keyOf(sha256);
        log.warn("{} is corrupt (its bytes hash to {}); removing it", key, actual);
        try {
            damage.corrupt(key, sha256, actual, detectedBy);
        } catch (RuntimeException e) {
            log.warn("cannot record that {} is corrupt: {}", key, e.getMessage());
        }
        try {
            removeKey(key);
        } catch (RuntimeException e) {
            log.warn("cannot remove corrupt {}: {}", key, e.getMessage());
        }
        return new CorruptArtifactException(sha256, actual);
    }

    /**
     * The stored artifact with this hash if it is there and intact. An object of another size, or whose bytes do
     * not hash to its key, is damaged: it is reported and removed, and the caller stores the content again.
     */
    private Optional<StoredArtifact> intact(String sha256, long size) {
        Optional<StoredArtifact> existing = stat(sha256);
        if (existing.isEmpty()) {
            return existing;
        }
        if (existing.get().size() != size) {
            corrupt(sha256, "(" + existing.get().size() + " bytes instead of " + size + ")", "PUT");
            return Optional.empty();
        }
        Optional<String> damaged = damage(sha256);
        if (damaged.isPresent()) {
            corrupt(sha256, damaged.get(), "PUT");
            return Optional.empty();
        }
        return existing;
    }

    private void stored(String sha256) {
        try {
            damage.stored(sha256);
        } catch (RuntimeException e) {
            log.warn("cannot record that {} was stored intact: {}", keyOf(sha256), e.getMessage());
        }
    }

    private void retried(String what, Runnable work) {
        calls.run(Outages.Dependency.S3, what, work);
    }

    /**
     * Multipart uploads that were started and never completed nor aborted (a killed upload): their parts take space
     * on the server. Empty with a warning if the server cannot list them.
     */
    public List<IncompleteUpload> incompleteUploads(MinioAsyncClient async) {
        List<IncompleteUpload> out = new ArrayList<>();
        try {
            var result = async.listMultipartUploadsAsync(bucket, null, null, null, null, 1000, null, null, null, null)
                    .get()
                    .result();
            for (Upload u : result.uploads()) {
                out.add(new IncompleteUpload(
                        u.objectName(),
                        u.uploadId(),
                        u.initiated() == null ? Instant.EPOCH : u.initiated().toInstant()));
            }
        } catch (Exception e) {
            throw failure("cannot list incomplete multipart uploads", e);
        }
        return out;
    }

    /** Aborts an incomplete multipart upload, freeing its parts. */
    public void abortUpload(MinioAsyncClient async, IncompleteUpload upload) {
        try {
            async.abortMultipartUploadAsync(bucket, null, upload.key(), upload.uploadId(), null, null)
                    .get();
        } catch (Exception e) {
            throw failure("cannot abort the multipart upload " + upload.uploadId() + " of " + upload.key(), e);
        }
    }

    private static String checkHash(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + sha256);
        }
        return sha256;
    }

    private ArtifactStoreException failure(String what, Exception e) {
        String detail = e instanceof ErrorResponseException ere
                ? ere.errorResponse().code() + ": " + ere.errorResponse().message()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
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

package io.bagsflow.activities;

import io.minio.DownloadObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain S3 objects outside the artifact store, named by {@code s3://bucket/key} URIs: a dataset's annotation files
 * and image folder can live in S3 and are read through the same client and credentials.
 */
public final class S3Objects {

    /** An object's key and size (and ETag, which changes when its bytes do). */
    public record S3Object(String key, long size, String etag) {}

    /** A parsed {@code s3://bucket/key-or-prefix}. */
    public record S3Uri(String bucket, String key) {

        public static boolean is(String text) {
            return text != null && text.startsWith("s3://");
        }

        public static S3Uri parse(String text) {
            if (!is(text) || text.length() <= 5 || text.indexOf('/', 5) == 5) {
                throw new IllegalArgumentException("not an s3://bucket/key URI: " + text);
            }
            String rest = text.substring(5);
            int slash = rest.indexOf('/');
            return slash < 0 ? new S3Uri(rest, "") : new S3Uri(rest.substring(0, slash), rest.substring(slash + 1));
        }

        /** The key as a folder prefix: ends with "/" unless empty. */
        public String prefix() {
            return key.isEmpty() || key.endsWith("/") ? key : key + "/";
        }
    }

    private final S3Connection connection;
    private final Outages outages;

    S3Objects(S3Connection connection, Outages outages) {
        this.connection = connection;
        this.outages = outages;
    }

    /** Every object under a prefix, sorted by key. */
    public List<S3Object> list(S3Uri folder) {
        return outages.call(
                Outages.Dependency.S3,
                "listing s3://" + folder.bucket() + "/" + folder.prefix(),
                () -> listOnce(folder));
    }

    private List<S3Object> listOnce(S3Uri folder) {
        List<S3Object> out = new ArrayList<>();
        try {
            for (Result<Item> r : connection
                    .client()
                    .listObjects(ListObjectsArgs.builder()
                            .bucket(folder.bucket())
                            .prefix(folder.prefix())
                            .recursive(true)
                            .build())) {
                Item item = r.get();
                if (!item.isDir()) {
                    out.add(new S3Object(item.objectName(), item.size(), item.etag()));
                }
            }
        } catch (Exception e) {
            throw new ArtifactStoreException(
                    "cannot list s3://" + folder.bucket() + "/" + folder.prefix() + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    /** One object's size and ETag, if it exists. */
    public Optional<S3Object> stat(String bucket, String key) {
        return outages.call(
                Outages.Dependency.S3, "looking up s3://" + bucket + "/" + key, () -> statOnce(bucket, key));
    }

    private Optional<S3Object> statOnce(String bucket, String key) {
        try {
            var st = connection
                    .client()
                    .statObject(
                            StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.of(new S3Object(key, st.size(), st.etag()));
        } catch (ErrorResponseException e) {
            if (ArtifactStoreException.isOutage(e)) {
                throw new ArtifactStoreException("cannot stat s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
            }
            return Optional.empty();
        } catch (Exception e) {
            throw new ArtifactStoreException("cannot stat s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** Downloads one object to a file (its folder is created). */
    public Path download(String bucket, String key, Path file) {
        return outages.call(
                Outages.Dependency.S3, "downloading s3://" + bucket + "/" + key, () -> downloadOnce(bucket, key, file));
    }

    private Path downloadOnce(String bucket, String key, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            connection
                    .client()
                    .downloadObject(DownloadObjectArgs.builder()
                            .bucket(bucket)
                            .object(key)
                            .filename(file.toString())
                            .build());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (Exception e) {
            throw new ArtifactStoreException("cannot download s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** Downloads every object under a prefix into a folder, keeping the paths below the prefix. */
    public Path downloadFolder(S3Uri folder, Path dir) {
        String prefix = folder.prefix();
        for (S3Object o : list(folder)) {
            String relative = o.key().substring(prefix.length());
            Path target = dir.resolve(relative).normalize();
            if (!target.startsWith(dir.normalize())) {
                throw new ArtifactStoreException("object key " + o.key() + " escapes " + dir);
            }
            download(folder.bucket(), o.key(), target);
        }
        return dir;
    }
}

package io.bagsflow.worker.config;

import java.nio.file.Path;

/**
 * Where artifacts are stored. {@link #toString()} leaves the keys out so it can be logged. {@code trustedCa} (may be
 * null: the system's authorities) is the authority an HTTPS endpoint's certificate must come from: the home's, for a
 * worker that joined with a connection file.
 */
public record S3Endpoint(String endpoint, String accessKey, String secretKey, String bucket, Path trustedCa) {

    public static final String DEFAULT_BUCKET = "bagsflow";

    public S3Endpoint(String endpoint, String accessKey, String secretKey, String bucket) {
        this(endpoint, accessKey, secretKey, bucket, null);
    }

    @Override
    public String toString() {
        return Redaction.mask(endpoint) + " bucket " + bucket;
    }
}

package io.bagsflow.worker.config;

/** Where artifacts are stored. {@link #toString()} leaves the keys out so it can be logged. */
public record S3Endpoint(String endpoint, String accessKey, String secretKey, String bucket) {

    public static final String DEFAULT_BUCKET = "bagsflow";

    @Override
    public String toString() {
        return Redaction.mask(endpoint) + " bucket " + bucket;
    }
}

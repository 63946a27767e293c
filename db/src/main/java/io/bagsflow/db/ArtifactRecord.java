package io.bagsflow.db;

import java.time.Instant;

/** A row of {@code artifact}: bytes stored once in the artifact store under {@code s3Key}. */
public record ArtifactRecord(
        String sha256, long sizeBytes, String mediaType, String s3Key, Long producedBy, Instant createdAt) {

    public ArtifactRecord(String sha256, long sizeBytes, String mediaType, String s3Key, Long producedBy) {
        this(sha256, sizeBytes, mediaType, s3Key, producedBy, null);
    }
}

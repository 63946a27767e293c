package io.bagsflow.activities;

/** An object in the artifact store: its content hash, size, media type and S3 key. */
public record StoredArtifact(String sha256, long size, String mediaType, String key) {}

package io.bagsflow.model.pipeline;

/** An artifact in the artifact store, by content hash. */
public record ArtifactRef(String sha256, long size, String mediaType) {}

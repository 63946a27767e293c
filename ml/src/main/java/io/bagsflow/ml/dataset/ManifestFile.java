package io.bagsflow.ml.dataset;

/** An annotation file as imported: its path as given, content hash and size. */
public record ManifestFile(String path, String sha256, long bytes) {}

package io.bagsflow.ml.dataset;

/**
 * One image file of a validated dataset.
 *
 * @param path   relative to the image folder, with {@code /} separators
 * @param sha256 lowercase hex of the file's bytes
 */
public record ManifestImage(int id, String path, String sha256, long bytes, int width, int height) {}

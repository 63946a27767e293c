package io.bagsflow.ml.dataset;

/** A category with its training counts recomputed from the annotations; frequency is r, c or f. */
public record ManifestCategory(int id, String name, String frequency, int imageCount, int instanceCount) {}

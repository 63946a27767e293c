package io.bagsflow.ml.dataset;

public record ManifestCounts(
        int categories, int trainImages, int trainAnnotations, int valImages, int valAnnotations) {}

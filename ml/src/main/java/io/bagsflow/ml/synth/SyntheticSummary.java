package io.bagsflow.ml.synth;

import java.nio.file.Path;

/**
 * What {@link SyntheticDataset#generate} wrote and how long it took.
 *
 * @param rareClasses     classes labelled r by training image count (likewise common, frequent)
 * @param droppedObjects  planned instances for which no box fitted (normally 0)
 */
public record SyntheticSummary(
        SyntheticPreset preset,
        long seed,
        Path train,
        Path val,
        Path test,
        Path imageDir,
        int categories,
        int rareClasses,
        int commonClasses,
        int frequentClasses,
        int trainImages,
        int trainAnnotations,
        int valImages,
        int valAnnotations,
        int testImages,
        int testAnnotations,
        int droppedObjects,
        long planMillis,
        long renderMillis,
        long totalMillis) {}

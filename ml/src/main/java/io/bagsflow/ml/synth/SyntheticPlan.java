package io.bagsflow.ml.synth;

import io.bagsflow.ml.lvis.LvisDataset;
import java.util.List;

/**
 * A synthetic dataset before any pixel is drawn: classes, every image with its objects, and the LVIS records
 * they become (category counts and frequency labels filled from train).
 *
 * @param droppedObjects    planned instances for which no box fitted (normally 0)
 * @param droppedValObjects those of them in val images
 * @param droppedTestObjects those of them in test images
 */
record SyntheticPlan(
        SyntheticPreset preset,
        long seed,
        List<SyntheticClass> classes,
        List<PlannedImage> trainImages,
        List<PlannedImage> valImages,
        List<PlannedImage> testImages,
        int droppedObjects,
        int droppedValObjects,
        int droppedTestObjects,
        LvisDataset train,
        LvisDataset val,
        LvisDataset test) {}

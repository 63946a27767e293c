package io.bagsflow.ml.synth;

import java.util.List;

/**
 * Everything needed to render one image and write its record: drawing is a pure function of this.
 *
 * @param background grey level in [0, 1]
 * @param noiseSeed  seed of the per-pixel noise
 */
record PlannedImage(
        int id,
        String fileName,
        float background,
        long noiseSeed,
        List<PlannedObject> objects,
        int[] negCategoryIds,
        int[] notExhaustiveCategoryIds) {}

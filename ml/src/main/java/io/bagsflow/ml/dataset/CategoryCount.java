package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.Frequency;

/**
 * Counts of one category in the training set: recomputed from the annotations, and as written in the file
 * (-1 or null when the file has none).
 *
 * @param frequency LVIS label by recomputed image count
 */
public record CategoryCount(
        int id,
        String name,
        int instanceCount,
        int imageCount,
        Frequency frequency,
        int fileInstanceCount,
        int fileImageCount,
        Frequency fileFrequency) {

    /** The instance count from the chosen source; a file without the field counts as 0. */
    public int instanceCount(CountSource source) {
        return source == CountSource.ANNOTATIONS ? instanceCount : Math.max(fileInstanceCount, 0);
    }
}

package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CountSource;

/**
 * How PREPARE groups classes: the instance-count bins, where the counts come from, and the repeat-factor
 * sampling threshold as an image count ({@link RepeatFactors#forImageCount}).
 */
public record GroupingOptions(BinEdges bins, CountSource countSource, double rfsThresholdImages) {

    /** Bins 0,10,100,1000 over instance counts recomputed from the training annotations; t = 57.263 images. */
    public static final GroupingOptions DEFAULT =
            new GroupingOptions(BinEdges.DEFAULT, CountSource.ANNOTATIONS, RepeatFactors.DEFAULT_THRESHOLD_IMAGES);

    public GroupingOptions {
        if (!(rfsThresholdImages > 0) || Double.isInfinite(rfsThresholdImages)) {
            throw new IllegalArgumentException(
                    "repeat-factor threshold must be > 0 images, found " + rfsThresholdImages);
        }
    }

    public GroupingOptions withBins(BinEdges bins) {
        return new GroupingOptions(bins, countSource, rfsThresholdImages);
    }

    public GroupingOptions withCountSource(CountSource source) {
        return new GroupingOptions(bins, source, rfsThresholdImages);
    }
}

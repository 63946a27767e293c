package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CountSource;

/**
 * How PREPARE groups classes: the instance-count bins, where the counts come from, and the repeat-factor
 * sampling threshold t.
 */
public record GroupingOptions(BinEdges bins, CountSource countSource, double rfsThreshold) {

    /** Bins 0,10,100,1000 over instance counts recomputed from the training annotations; t = 0.001. */
    public static final GroupingOptions DEFAULT =
            new GroupingOptions(BinEdges.DEFAULT, CountSource.ANNOTATIONS, RepeatFactors.DEFAULT_THRESHOLD);

    public GroupingOptions {
        if (!(rfsThreshold > 0 && rfsThreshold <= 1)) {
            throw new IllegalArgumentException("repeat-factor threshold must be in (0, 1], found " + rfsThreshold);
        }
    }

    public GroupingOptions withBins(BinEdges bins) {
        return new GroupingOptions(bins, countSource, rfsThreshold);
    }

    public GroupingOptions withCountSource(CountSource source) {
        return new GroupingOptions(bins, source, rfsThreshold);
    }
}

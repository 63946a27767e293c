package io.bagsflow.ml.bags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import java.util.function.IntPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Repeat-factor sampling must do on a small dataset what it does on LVIS. The default threshold, 57.263 images
 * (LVIS's t = 0.001 on LVIS v0.5's 57,263 training images), gives the images of rare classes at least twice their
 * uniform share of an epoch on {@code small}; the same t taken as a fraction of ~1,500 images ("fewer than 1.5
 * images") leaves the share almost where it was. Seeds 211-213 were not used to tune anything.
 */
class RepeatFactorsOnSmallTest {

    @ParameterizedTest
    @ValueSource(longs = {211, 212, 213})
    void theDefaultThresholdAtLeastDoublesTheShareOfRareClassImagesOnSmall(long seed) {
        CategoryStatistics stats = CategoryStatistics.compute(
                SyntheticDataset.annotations(SyntheticPreset.parse("small"), seed)
                        .train(),
                "train.json");
        IntPredicate rare = i -> {
            for (int label : stats.imageLabels()[i]) {
                if (stats.categories().get(label - 1).frequency() == Frequency.RARE) {
                    return true;
                }
            }
            return false;
        };
        RepeatFactors uniform = RepeatFactors.compute(stats, 1e-12);
        double uniformShare = uniform.expectedShare(rare);
        assertTrue(uniformShare > 0, "small has rare-class images");
        // the uniform share is the rare images' fraction of the set
        long rareImages = java.util.stream.IntStream.range(0, stats.numImages())
                .filter(rare)
                .count();
        assertEquals((double) rareImages / stats.numImages(), uniformShare, 1e-12);

        RepeatFactors rfs = RepeatFactors.forImageCount(stats, RepeatFactors.DEFAULT_THRESHOLD_IMAGES);
        double share = rfs.expectedShare(rare);
        assertTrue(
                share >= 2 * uniformShare,
                "seed " + seed + ": rare-class images are " + share + " of an epoch under RFS, " + uniformShare
                        + " uniformly");
        assertEquals(57.263, rfs.thresholdImages(), 1e-9);
        assertEquals(57.263 / stats.numImages(), rfs.threshold(), 1e-15);
        // the same through the spec's rfsThreshold, LVIS's t
        assertEquals(share, RepeatFactors.forLvisThreshold(stats, 0.001).expectedShare(rare), 1e-12);

        // the unscaled fraction, as before: hardly any change
        double unscaled = RepeatFactors.compute(stats, 0.001).expectedShare(rare);
        assertTrue(unscaled < 1.1 * uniformShare, "t = 0.001 of the images: " + unscaled + " vs " + uniformShare);
    }
}

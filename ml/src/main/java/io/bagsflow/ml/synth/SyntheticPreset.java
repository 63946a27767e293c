package io.bagsflow.ml.synth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Sizes of the synthetic benchmark. Classes come in families of 5 look-alikes; per family one of two role
 * patterns by member, so a rare member always sits next to a frequent one in hue:
 * {@code c r f r c} (most families) or {@code r f c f r} (a fifth of them). That gives 40% rare, 36% common
 * and 24% frequent classes, near LVIS v0.5's 454/461/315 (37/37/26%).
 *
 * <p>Roles fix each class's number of training images (LVIS labels by image count: r 1-10, c 11-100,
 * f more than 100), spread geometrically inside the role's range, which makes the counts Zipf-like.
 */
public enum SyntheticPreset {

    /** For tests: 10 classes in 2 families, 200 images of 64 px, generated in about a second. */
    TINY(64, 2, 150, 50, 8, 4, 3, 101, 125, 40, 0.16, 0.40, 0.45, 2),
    /** For the demo: 50 classes in 10 families, 1,500 train + 500 val images of 96 px. */
    SMALL(96, 10, 1500, 500, 20, 4, 4, 105, 400, 100, 0.14, 0.42, 0.45, 8),
    /** For GPU workers: 300 classes in 60 families, 19,000 train + 1,000 val images of 256 px. */
    MEDIUM(256, 60, 19000, 1000, 10, 6, 5, 105, 2000, 100, 0.08, 0.35, 0.40, 30),
    /**
     * {@code small-lvis}: {@link #SMALL}'s classes and training set, byte for byte, with a val set drawn the way LVIS
     * val is: instances per class follow the training distribution (long-tailed) and each image's negative
     * categories are a random sample of the categories absent from it, not its classes' look-alikes.
     */
    SMALL_LVIS(SMALL, 16),
    /**
     * {@code wide}: 260 classes in 52 families at {@link #SMALL}'s 96 px, so that BAGS's groups hold as many
     * classes as a fifth of LVIS's and a sibling placement ({@link SiblingPlacement}) has room to matter; 3,600 train
     * + 700 val + 700 test images, trained with the {@code small} detector (2 CPU cores).
     */
    WIDE(96, 52, 3600, 700, 8, 6, 5, 101, 250, 100, 0.12, 0.34, 0.40, 12);

    /** Members per family. */
    static final int MEMBERS = 5;
    /** Hue distance between neighbouring members: the prototype's measured sweet spot (rare AP@0.5 0.02 vs f 0.67). */
    static final double HUE_STEP = 0.03;

    final int imageSize;
    final int families;
    final int trainImages;
    final int valImages;
    final int valInstancesPerClass;
    final int maxObjectsTrain;
    final int maxObjectsVal;
    final int frequentMinImages;
    final int frequentMaxImages;
    final int commonMaxImages;
    /** Box width as a fraction of the image side, and the largest height fraction. */
    final double boxMin;

    final double boxMax;
    final double boxMaxHeight;
    /** Absent classes from other families added to each val image's neg_category_ids. */
    final int negOthers;
    /**
     * For an LVIS-like val set: the preset whose classes and training set this one shares (null otherwise). Its
     * val set has instances per class in proportion to training images and {@link #lvisNegatives} random negatives.
     */
    final SyntheticPreset trainFrom;
    /** Negative categories per LVIS-like val image, drawn at random from the categories absent from it. */
    final int lvisNegatives;

    SyntheticPreset(
            int imageSize,
            int families,
            int trainImages,
            int valImages,
            int valInstancesPerClass,
            int maxObjectsTrain,
            int maxObjectsVal,
            int frequentMinImages,
            int frequentMaxImages,
            int commonMaxImages,
            double boxMin,
            double boxMax,
            double boxMaxHeight,
            int negOthers) {
        this.imageSize = imageSize;
        this.families = families;
        this.trainImages = trainImages;
        this.valImages = valImages;
        this.valInstancesPerClass = valInstancesPerClass;
        this.maxObjectsTrain = maxObjectsTrain;
        this.maxObjectsVal = maxObjectsVal;
        this.frequentMinImages = frequentMinImages;
        this.frequentMaxImages = frequentMaxImages;
        this.commonMaxImages = commonMaxImages;
        this.boxMin = boxMin;
        this.boxMax = boxMax;
        this.boxMaxHeight = boxMaxHeight;
        this.negOthers = negOthers;
        this.trainFrom = null;
        this.lvisNegatives = 0;
    }

    /** A preset with {@code trainFrom}'s classes, sizes and training set and an LVIS-like val set. */
    SyntheticPreset(SyntheticPreset trainFrom, int lvisNegatives) {
        this.imageSize = trainFrom.imageSize;
        this.families = trainFrom.families;
        this.trainImages = trainFrom.trainImages;
        this.valImages = trainFrom.valImages;
        this.valInstancesPerClass = 0;
        this.maxObjectsTrain = trainFrom.maxObjectsTrain;
        this.maxObjectsVal = trainFrom.maxObjectsVal;
        this.frequentMinImages = trainFrom.frequentMinImages;
        this.frequentMaxImages = trainFrom.frequentMaxImages;
        this.commonMaxImages = trainFrom.commonMaxImages;
        this.boxMin = trainFrom.boxMin;
        this.boxMax = trainFrom.boxMax;
        this.boxMaxHeight = trainFrom.boxMaxHeight;
        this.negOthers = 0;
        this.trainFrom = trainFrom;
        this.lvisNegatives = lvisNegatives;
    }

    public int imageSize() {
        return imageSize;
    }

    public int numClasses() {
        return families * MEMBERS;
    }

    /** tiny, small, medium, small-lvis or wide. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the val set is drawn like LVIS val (see {@link #SMALL_LVIS}). */
    public boolean lvisLikeVal() {
        return trainFrom != null;
    }

    /** The detector preset ({@code DetectorConfig.preset}) for this dataset: {@code small-lvis} trains as small. */
    public String detectorPreset() {
        if (trainFrom != null) {
            return trainFrom.label();
        }
        // the detector presets are sized by image size and machine, not class count: wide is small's 96 px
        return this == WIDE ? SMALL.label() : label();
    }

    /** Every preset's label, in declaration order. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(SyntheticPreset::label).toList();
    }

    public static SyntheticPreset parse(String name) {
        for (SyntheticPreset p : values()) {
            if (p.label().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset \"" + name + "\": use " + String.join(", ", labels()));
    }
}

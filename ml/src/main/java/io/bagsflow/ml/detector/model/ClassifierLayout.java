package io.bagsflow.ml.detector.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How a classifier's logits map to classes, stored in every checkpoint so inference needs no other input.
 * A plain softmax has C+1 logits, background first. A group softmax (BAGS) has one slice per group, as the
 * reference's {@code pred_slice}: group 0 (background, foreground) and then each group's "others" logit
 * followed by its classes; {@code label2binlabel[g][label]} is a label's position inside group g (0: others,
 * or background in group 0). A sigmoid classifier (EQLv2) has C+1 logits, background (objectness) first, each
 * read through its own sigmoid. An objectness softmax (Seesaw) has C+2 logits: (background, foreground), then a
 * softmax over the C classes.
 *
 * <p>{@code input} says what the classifier reads. Absent (every checkpoint written before it existed, and every
 * classifier but one) it is the box head's fc features, as in Faster R-CNN. {@value #POOLED_MEAN} (NCM-conv, the
 * paper's row 11) is the RoI-pooled conv features averaged over the pooled grid, one value per backbone channel;
 * the box head's fc path then only regresses the boxes. It is left out of the JSON when absent, so checkpoints of
 * every other classifier keep their bytes (and content hashes).
 *
 * @param kind           {@code softmax}, {@code group-softmax}, {@code sigmoid} or {@code objectness-softmax}
 * @param numClasses     C, the number of categories (labels 1..C; label 0 is background)
 * @param predSlice      per group: start and length of its logits (group softmax only)
 * @param label2binlabel per group: the in-group target of each label 0..C (group softmax only)
 * @param input          null for the fc features, or {@value #POOLED_MEAN}
 */
public record ClassifierLayout(
        String kind,
        int numClasses,
        int[][] predSlice,
        int[][] label2binlabel,
        @JsonInclude(JsonInclude.Include.NON_NULL) String input) {

    public static final String SOFTMAX = "softmax";
    public static final String GROUP_SOFTMAX = "group-softmax";
    public static final String SIGMOID = "sigmoid";
    public static final String OBJECTNESS_SOFTMAX = "objectness-softmax";
    /** {@code input} of a classifier over the RoI-pooled conv features, averaged over the pooled grid. */
    public static final String POOLED_MEAN = "pooled-mean";

    public ClassifierLayout {
        if (!List.of(SOFTMAX, GROUP_SOFTMAX, SIGMOID, OBJECTNESS_SOFTMAX).contains(kind)) {
            throw new IllegalArgumentException("unknown classifier kind '" + kind + "'");
        }
        if (input != null && !POOLED_MEAN.equals(input)) {
            throw new IllegalArgumentException("unknown classifier input '" + input + "': absent (the box head's fc "
                    + "features) or '" + POOLED_MEAN + "'");
        }
        if (input != null && !SOFTMAX.equals(kind)) {
            throw new IllegalArgumentException("a " + kind + " classifier reads the fc features; only a plain softmax "
                    + "(NCM-conv) reads '" + input + "'");
        }
        if (GROUP_SOFTMAX.equals(kind)) {
            validateGroups(numClasses, predSlice, label2binlabel);
        }
    }

    public static ClassifierLayout softmax(int numClasses) {
        return new ClassifierLayout(SOFTMAX, numClasses, null, null, null);
    }

    /** A plain C+1 softmax over the RoI-pooled conv features averaged over the pooled grid (NCM-conv). */
    public static ClassifierLayout pooledMeanSoftmax(int numClasses) {
        return new ClassifierLayout(SOFTMAX, numClasses, null, null, POOLED_MEAN);
    }

    public static ClassifierLayout sigmoid(int numClasses) {
        return new ClassifierLayout(SIGMOID, numClasses, null, null, null);
    }

    public static ClassifierLayout objectnessSoftmax(int numClasses) {
        return new ClassifierLayout(OBJECTNESS_SOFTMAX, numClasses, null, null, null);
    }

    public static ClassifierLayout groupSoftmax(int numClasses, int[][] predSlice, int[][] label2binlabel) {
        return new ClassifierLayout(GROUP_SOFTMAX, numClasses, predSlice, label2binlabel, null);
    }

    public boolean grouped() {
        return GROUP_SOFTMAX.equals(kind);
    }

    /** True when the classifier reads the RoI-pooled conv features (averaged over the grid), not the fc features. */
    public boolean readsPooledMean() {
        return POOLED_MEAN.equals(input);
    }

    /**
     * A plain softmax over the box head's fc features: what tau normalisation and the NCM rows start from (a trained
     * classifier, not NCM-conv's class means over pooled features).
     */
    public boolean plainSoftmax() {
        return SOFTMAX.equals(kind) && input == null;
    }

    /** The kind as users read it in messages: e.g. {@code softmax}, or {@code softmax over pooled-mean}. */
    public String describe() {
        return input == null ? kind : kind + " over " + input;
    }

    /** The number of classifier outputs: C+1, C+2 for an objectness softmax, or C+G+2 for G foreground groups. */
    public int logits() {
        if (OBJECTNESS_SOFTMAX.equals(kind)) {
            return numClasses + 2;
        }
        if (!grouped()) {
            return numClasses + 1;
        }
        int n = 0;
        for (int[] s : predSlice) {
            n += s[1];
        }
        return n;
    }

    /** The group of each label 1..C (index 0 unused), from label2binlabel. */
    public int[] groupOfLabel() {
        int[] g = new int[numClasses + 1];
        for (int grp = 1; grp < label2binlabel.length; grp++) {
            for (int l = 1; l <= numClasses; l++) {
                if (label2binlabel[grp][l] > 0) {
                    g[l] = grp;
                }
            }
        }
        return g;
    }

    private static void validateGroups(int c, int[][] predSlice, int[][] l2b) {
        if (predSlice == null || l2b == null || predSlice.length != l2b.length || predSlice.length < 2) {
            throw new IllegalArgumentException("group softmax needs pred_slice and label2binlabel for the same "
                    + "groups, at least 2 (background group and one foreground group)");
        }
        int next = 0;
        for (int g = 0; g < predSlice.length; g++) {
            if (predSlice[g].length != 2 || predSlice[g][0] != next) {
                throw new IllegalArgumentException("pred_slice[" + g + "] = " + Arrays.toString(predSlice[g])
                        + ": slices must be [start, length] and follow each other from 0");
            }
            next += predSlice[g][1];
            if (l2b[g].length != c + 1) {
                throw new IllegalArgumentException("label2binlabel[" + g + "] has " + l2b[g].length
                        + " entries, expected " + (c + 1) + " (background and " + c + " classes)");
            }
            for (int l = 0; l <= c; l++) {
                if (l2b[g][l] < 0 || l2b[g][l] >= predSlice[g][1]) {
                    throw new IllegalArgumentException("label2binlabel[" + g + "][" + l + "] = " + l2b[g][l]
                            + " is outside group " + g + "'s " + predSlice[g][1] + " logits");
                }
            }
        }
        if (predSlice[0][1] != 2 || l2b[0][0] != 0) {
            throw new IllegalArgumentException("group 0 must be (background, foreground) with background at 0");
        }
        for (int l = 1; l <= c; l++) {
            if (l2b[0][l] != 1) {
                throw new IllegalArgumentException("label2binlabel[0][" + l + "] must be 1 (foreground)");
            }
            int groups = 0;
            for (int g = 1; g < l2b.length; g++) {
                if (l2b[g][l] > 0) {
                    groups++;
                }
            }
            if (groups != 1) {
                throw new IllegalArgumentException(
                        "label " + l + " is in " + groups + " foreground groups; it must be in exactly one");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassifierLayout other
                && kind.equals(other.kind)
                && numClasses == other.numClasses
                && Arrays.deepEquals(predSlice, other.predSlice)
                && Arrays.deepEquals(label2binlabel, other.label2binlabel)
                && Objects.equals(input, other.input);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + numClasses) * 31 + Objects.hashCode(input);
    }

    @Override
    public String toString() {
        return "ClassifierLayout[" + kind + ", C=" + numClasses
                + (grouped() ? ", predSlice=" + Arrays.deepToString(predSlice) : "")
                + (input != null ? ", input=" + input : "") + "]";
    }
}

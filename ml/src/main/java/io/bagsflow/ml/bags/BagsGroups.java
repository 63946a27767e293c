package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import java.util.Arrays;

/**
 * The BAGS grouping of C classes into G instance-count groups plus group 0 (background vs foreground), laid
 * out as the reference {@code get_cate_gs()} does.
 *
 * <p>Labels: 0 is background, label i (1..C) is the category {@code categoryIds[i-1]} (ids ascending).
 * {@code label2binlabel} has G+1 rows of C+1 entries: row 0 maps background to 0 and every class to 1; row g
 * maps each class of group g to its 1-based index inside the group (ascending label order) and every other
 * label to 0, the group's "others" class. {@code predSlice[g] = {start, length}} places group g in the
 * classifier's C+G+2 logits: group 0 has 2, group g has n_g + 1, starts are cumulative.
 *
 * <p>A bin without classes is kept as a group with only its "others" logit (length 1), as the reference does,
 * so the layout depends only on the bin edges and C: 1230 LVIS classes in 4 bins always give 1236 logits.
 *
 * <p>The arrays are shared, not copied, by the accessors: treat them as read-only.
 */
public record BagsGroups(BinEdges bins, int[] categoryIds, int[][] label2binlabel, int[][] predSlice) {

    /** Checks every invariant above; an {@link IllegalArgumentException} names the entry that breaks it. */
    public BagsGroups {
        int g = bins.numGroups();
        int c = categoryIds.length;
        for (int i = 1; i < c; i++) {
            if (categoryIds[i] <= categoryIds[i - 1]) {
                throw new IllegalArgumentException("category_ids[" + i + "]: ids must increase, found "
                        + categoryIds[i - 1] + " then " + categoryIds[i]);
            }
        }
        if (label2binlabel.length != g + 1) {
            throw new IllegalArgumentException("label2binlabel: " + (g + 1) + " rows expected for " + g
                    + " groups, found " + label2binlabel.length);
        }
        for (int r = 0; r <= g; r++) {
            if (label2binlabel[r].length != c + 1) {
                throw new IllegalArgumentException("label2binlabel[" + r + "]: " + (c + 1) + " entries expected for "
                        + c + " classes, found " + label2binlabel[r].length);
            }
        }
        for (int label = 0; label <= c; label++) {
            int expected = label == 0 ? 0 : 1;
            if (label2binlabel[0][label] != expected) {
                throw new IllegalArgumentException("label2binlabel[0][" + label + "]: expected " + expected + ", found "
                        + label2binlabel[0][label]);
            }
        }
        int[] next = new int[g + 1];
        Arrays.fill(next, 1);
        for (int r = 1; r <= g; r++) {
            if (label2binlabel[r][0] != 0) {
                throw new IllegalArgumentException(
                        "label2binlabel[" + r + "][0]: background must map to 0, found " + label2binlabel[r][0]);
            }
        }
        for (int label = 1; label <= c; label++) {
            int group = 0;
            for (int r = 1; r <= g; r++) {
                int v = label2binlabel[r][label];
                if (v == 0) {
                    continue;
                }
                if (group != 0) {
                    throw new IllegalArgumentException("label2binlabel[" + r + "][" + label + "]: label " + label
                            + " is already in group " + group);
                }
                if (v != next[r]) {
                    throw new IllegalArgumentException("label2binlabel[" + r + "][" + label
                            + "]: expected in-group index " + next[r] + " (ascending label order), found " + v);
                }
                group = r;
                next[r]++;
            }
            if (group == 0) {
                throw new IllegalArgumentException(
                        "label2binlabel[1.." + g + "][" + label + "]: label " + label + " is in no group");
            }
        }
        if (predSlice.length != g + 1) {
            throw new IllegalArgumentException("pred_slice: " + (g + 1) + " rows expected, found " + predSlice.length);
        }
        int start = 0;
        for (int r = 0; r <= g; r++) {
            int length = r == 0 ? 2 : next[r];
            if (predSlice[r].length != 2 || predSlice[r][0] != start || predSlice[r][1] != length) {
                throw new IllegalArgumentException("pred_slice[" + r + "]: expected [" + start + ", " + length
                        + "], found " + Arrays.toString(predSlice[r]));
            }
            start += length;
        }
        categoryIds = categoryIds.clone();
        label2binlabel = deepCopy(label2binlabel);
        predSlice = deepCopy(predSlice);
    }

    /**
     * Groups classes by instance count, as {@code get_cate_gs()}.
     *
     * @param categoryIds    ascending; label i is {@code categoryIds[i-1]}
     * @param instanceCounts training instances per label, same order
     */
    public static BagsGroups fromInstanceCounts(int[] categoryIds, int[] instanceCounts, BinEdges bins) {
        if (instanceCounts.length != categoryIds.length) {
            throw new IllegalArgumentException(
                    categoryIds.length + " category ids but " + instanceCounts.length + " instance counts");
        }
        int g = bins.numGroups();
        int c = categoryIds.length;
        int[][] l2b = new int[g + 1][c + 1];
        int[] next = new int[g + 1];
        Arrays.fill(next, 1);
        for (int label = 1; label <= c; label++) {
            l2b[0][label] = 1;
            int group = bins.groupOf(instanceCounts[label - 1]);
            l2b[group][label] = next[group]++;
        }
        int[][] slice = new int[g + 1][];
        slice[0] = new int[] {0, 2};
        for (int r = 1; r <= g; r++) {
            slice[r] = new int[] {slice[r - 1][0] + slice[r - 1][1], next[r]};
        }
        return new BagsGroups(bins, categoryIds, l2b, slice);
    }

    /** Groups the classes of a training set by their instance counts from {@code source}. */
    public static BagsGroups of(CategoryStatistics stats, BinEdges bins, CountSource source) {
        return fromInstanceCounts(stats.categoryIds(), stats.instanceCounts(source), bins);
    }

    public int numClasses() {
        return categoryIds.length;
    }

    /** G, the foreground groups (group 0 not counted). */
    public int numGroups() {
        return bins.numGroups();
    }

    /** C + G + 2: the classifier's outputs. */
    public int totalLogits() {
        int[] last = predSlice[predSlice.length - 1];
        return last[0] + last[1];
    }

    /** Classes in group g (1..G), not counting "others". */
    public int groupSize(int group) {
        return predSlice[group][1] - 1;
    }

    /** The group (1..G) of a class label, 0 for background. */
    public int groupOf(int label) {
        for (int r = 1; r < label2binlabel.length; r++) {
            if (label2binlabel[r][label] != 0) {
                return r;
            }
        }
        return 0;
    }

    /** Group of each label 0..C (background 0). */
    public int[] labelGroups() {
        int[] out = new int[numClasses() + 1];
        for (int label = 1; label < out.length; label++) {
            out[label] = groupOf(label);
        }
        return out;
    }

    /** 1-based index of each label 0..C inside its group (0 for background). */
    public int[] labelIndicesInGroup() {
        int[] out = new int[numClasses() + 1];
        for (int label = 1; label < out.length; label++) {
            out[label] = label2binlabel[groupOf(label)][label];
        }
        return out;
    }

    /** Position of a class label's logit among the C+G+2 outputs; background is 0. */
    public int logitIndex(int label) {
        if (label == 0) {
            return 0;
        }
        int g = groupOf(label);
        return predSlice[g][0] + label2binlabel[g][label];
    }

    /** Category ids of group g (1..G), ascending. */
    public int[] split(int group) {
        int[] out = new int[groupSize(group)];
        for (int label = 1; label <= numClasses(); label++) {
            int v = label2binlabel[group][label];
            if (v != 0) {
                out[v - 1] = categoryIds[label - 1];
            }
        }
        return out;
    }

    /** {@code splits()[g-1]} is {@link #split(int) split(g)}. */
    public int[][] splits() {
        int[][] out = new int[numGroups()][];
        for (int g = 1; g <= numGroups(); g++) {
            out[g - 1] = split(g);
        }
        return out;
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] out = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BagsGroups b
                && bins.equals(b.bins)
                && Arrays.equals(categoryIds, b.categoryIds)
                && Arrays.deepEquals(label2binlabel, b.label2binlabel)
                && Arrays.deepEquals(predSlice, b.predSlice);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(categoryIds) * 31 + Arrays.deepHashCode(label2binlabel);
    }

    @Override
    public String toString() {
        return "BagsGroups[C=" + numClasses() + ", G=" + numGroups() + ", bins=" + bins + ", pred_slice="
                + Arrays.deepToString(predSlice) + "]";
    }
}

package io.bagsflow.ml.synth;

import io.bagsflow.ml.lvis.Frequency;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How many training images each class appears in. Within a role the counts run geometrically from the top
 * of its range down to the bottom (f: preset range, c: 11 to the preset's cap, r: 10 to 1) and are dealt to
 * that role's classes in random order; the three runs together make a Zipf-like curve.
 */
final class CountPlan {

    private CountPlan() {}

    /** Image counts by class, in the order of {@code classes}. */
    static int[] imageCounts(List<SyntheticClass> classes, SyntheticPreset preset, SplittableRandom rng) {
        int[] counts = new int[classes.size()];
        assign(classes, Frequency.FREQUENT, preset.frequentMaxImages, preset.frequentMinImages, counts, rng);
        assign(classes, Frequency.COMMON, preset.commonMaxImages, 11, counts, rng);
        assign(classes, Frequency.RARE, 10, 1, counts, rng);
        return counts;
    }

    private static void assign(
            List<SyntheticClass> classes, Frequency role, int hi, int lo, int[] counts, SplittableRandom rng) {
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).role() == role) {
                members.add(i);
            }
        }
        int n = members.size();
        int[] order = Shuffle.permutation(n, rng);
        for (int j = 0; j < n; j++) {
            double t = n == 1 ? 0.5 : (double) j / (n - 1);
            counts[members.get(order[j])] = (int) Math.round(hi * Math.pow((double) lo / hi, t));
        }
    }
}

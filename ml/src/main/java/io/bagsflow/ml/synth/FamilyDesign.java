package io.bagsflow.ml.synth;

import io.bagsflow.ml.lvis.Frequency;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Lays out the look-alike families. Family f has shape {@code f mod 5} and texture {@code (f / 5) mod 3}; when
 * there are more families than shape x texture pairs, families sharing both sit in different hue bands a
 * quarter turn or more apart, far beyond a family's own hue spread (4 x 0.03 plus jitter), so only members of
 * one family look alike.
 */
final class FamilyDesign {

    private static final Frequency R = Frequency.RARE;
    private static final Frequency C = Frequency.COMMON;
    private static final Frequency F = Frequency.FREQUENT;
    private static final Frequency[] ONE_FREQUENT = {C, R, F, R, C};
    private static final Frequency[] TWO_FREQUENT = {R, F, C, F, R};
    private static final double GOLDEN = 0.6180339887498949;

    private FamilyDesign() {}

    static List<SyntheticClass> classes(SyntheticPreset preset, SplittableRandom rng) {
        return classes(preset, SiblingPlacement.ACROSS_GROUPS, rng);
    }

    /**
     * The classes with roles placed as {@code siblings} says. {@link SiblingPlacement#ACROSS_GROUPS} draws exactly
     * what the original design drew (so its datasets stay byte for byte); the others draw the same roles first and
     * then re-deal them with further draws from the same generator.
     */
    static List<SyntheticClass> classes(SyntheticPreset preset, SiblingPlacement siblings, SplittableRandom rng) {
        int families = preset.families;
        boolean[] twoFrequent = new boolean[families];
        int[] order = Shuffle.permutation(families, rng);
        for (int i = 0; i < Math.round(families * 0.2); i++) {
            twoFrequent[order[i]] = true;
        }
        Shape[] shapes = Shape.values();
        Texture[] textures = Texture.values();
        int looks = shapes.length * textures.length;
        int bands = (families + looks - 1) / looks;
        List<SyntheticClass> out = new ArrayList<>();
        for (int f = 0; f < families; f++) {
            Shape shape = shapes[f % shapes.length];
            Texture texture = textures[(f / shapes.length) % textures.length];
            int look = f % looks;
            int band = f / looks;
            double baseHue = frac((double) band / bands + look * GOLDEN);
            Frequency[] roles = twoFrequent[f] ? TWO_FREQUENT : ONE_FREQUENT;
            for (int m = 0; m < SyntheticPreset.MEMBERS; m++) {
                double hue = frac(baseHue + (m - SyntheticPreset.MEMBERS / 2) * SyntheticPreset.HUE_STEP);
                int id = f * SyntheticPreset.MEMBERS + m + 1;
                String name = String.format(Locale.ROOT, "fam%02d_%s_%s_m%d", f, shape.label(), texture.label(), m);
                out.add(new SyntheticClass(id, name, f, m, roles[m], shape, texture, hue));
            }
        }
        return siblings == SiblingPlacement.ACROSS_GROUPS ? out : redeal(out, siblings, families, rng);
    }

    /**
     * The same multiset of roles dealt again: {@code random} shuffles them over all classes; {@code within_group}
     * sorts them (rare, common, frequent) and hands out consecutive runs of five to the families in a random order,
     * so every family but at most two (where one role's count runs out) has a single role.
     */
    private static List<SyntheticClass> redeal(
            List<SyntheticClass> classes, SiblingPlacement siblings, int families, SplittableRandom rng) {
        int n = classes.size();
        Frequency[] roles = new Frequency[n];
        for (int i = 0; i < n; i++) {
            roles[i] = classes.get(i).role();
        }
        Frequency[] dealt = new Frequency[n];
        if (siblings == SiblingPlacement.RANDOM) {
            int[] order = Shuffle.permutation(n, rng);
            for (int i = 0; i < n; i++) {
                dealt[i] = roles[order[i]];
            }
        } else {
            Frequency[] sorted = roles.clone();
            java.util.Arrays.sort(sorted, java.util.Comparator.comparingInt(FamilyDesign::rank));
            int[] familyOrder = Shuffle.permutation(families, rng);
            for (int k = 0; k < families; k++) {
                for (int m = 0; m < SyntheticPreset.MEMBERS; m++) {
                    dealt[familyOrder[k] * SyntheticPreset.MEMBERS + m] = sorted[k * SyntheticPreset.MEMBERS + m];
                }
            }
        }
        List<SyntheticClass> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SyntheticClass c = classes.get(i);
            out.add(new SyntheticClass(
                    c.id(), c.name(), c.family(), c.member(), dealt[i], c.shape(), c.texture(), c.hue()));
        }
        return out;
    }

    private static int rank(Frequency role) {
        return role == R ? 0 : role == C ? 1 : 2;
    }

    static double frac(double v) {
        return v - Math.floor(v);
    }
}

package io.bagsflow.ml.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code small-lvis}: small's training set with a val set drawn like LVIS val (long-tailed, random verified
 * negatives); {@code small} itself keeps its bytes.
 */
class SmallLvisPresetTest {

    /**
     * SHA-256 of small's train.json and val.json for seed 7, as written before small-lvis existed. Those files had no
     * segmentations, which the drawn outlines added since (issue 24): the hashes are of the files without them.
     */
    private static final String SMALL_SEED7_TRAIN = "3e57bcb746ebe01f8c86d98f7fd08c83d4bc74f4ebd6f1dde4ffc6b129cbf697";

    private static final String SMALL_SEED7_VAL = "bec05b567fa691aa7b376601350377f22eeb96c40b5ca3c551d351def04d4235";

    @Test
    void smallKeepsItsBytes() throws IOException {
        SyntheticAnnotations small = SyntheticDataset.annotations(SyntheticPreset.SMALL, 7);
        assertEquals(SMALL_SEED7_TRAIN, sha256(json(withoutSegmentations(small.train()))));
        assertEquals(SMALL_SEED7_VAL, sha256(json(withoutSegmentations(small.val()))));
    }

    @Test
    void namesParseAndTrainWithTheSmallDetector() {
        assertEquals(SyntheticPreset.SMALL_LVIS, SyntheticPreset.parse("small-lvis"));
        assertEquals("small-lvis", SyntheticPreset.SMALL_LVIS.label());
        assertEquals("small", SyntheticPreset.SMALL_LVIS.detectorPreset());
        assertEquals("small", SyntheticPreset.SMALL.detectorPreset());
        assertEquals(List.of("tiny", "small", "medium", "small-lvis", "wide"), SyntheticPreset.labels());
    }

    @Test
    void trainingSetIsSmallsExactly() throws IOException {
        SyntheticPlan small = SyntheticPlanner.plan(SyntheticPreset.SMALL, 7);
        SyntheticPlan lvis = SyntheticPlanner.plan(SyntheticPreset.SMALL_LVIS, 7);
        assertArrayEquals(json(small.train()), json(lvis.train()));
        assertEquals(small.classes(), lvis.classes());
        assertEquals(small.trainImages().size(), lvis.trainImages().size());
        for (int i = 0; i < small.trainImages().size(); i++) {
            PlannedImage a = small.trainImages().get(i);
            PlannedImage b = lvis.trainImages().get(i);
            // what the renderer draws from: so the training PNGs are the same bytes too
            assertEquals(
                    List.of(a.fileName(), a.background(), a.noiseSeed(), a.objects()),
                    List.of(b.fileName(), b.background(), b.noiseSeed(), b.objects()),
                    a.fileName());
        }
        assertEquals(small.train().categories(), lvis.val().categories());
        assertFalse(Arrays.equals(json(small.val()), json(lvis.val())), "the val set is another one");
        int firstValId = lvis.val().images().get(0).id();
        assertEquals(lvis.train().images().size() + 1, firstValId);
    }

    @Test
    void valInstancesFollowTheTrainingDistribution() {
        SyntheticAnnotations a = SyntheticDataset.annotations(SyntheticPreset.SMALL_LVIS, 7);
        CategoryStatistics stats = CategoryStatistics.compute(a.train(), "train.json");
        int c = stats.numClasses();
        double[] train = new double[c];
        double[] val = new double[c];
        for (LvisAnnotation ann : a.train().annotations()) {
            train[ann.categoryId() - 1]++;
        }
        for (LvisAnnotation ann : a.val().annotations()) {
            val[ann.categoryId() - 1]++;
        }
        double[] meanByRole = new double[3];
        int[] classesByRole = new int[3];
        for (int i = 0; i < c; i++) {
            assertTrue(val[i] >= 1, "class " + (i + 1) + " has a val instance, so every class has an AP");
            int role = stats.categories().get(i).frequency().ordinal();
            meanByRole[role] += val[i];
            classesByRole[role]++;
        }
        for (int r = 0; r < 3; r++) {
            meanByRole[r] /= classesByRole[r];
        }
        double rare = meanByRole[Frequency.RARE.ordinal()];
        double common = meanByRole[Frequency.COMMON.ordinal()];
        double frequent = meanByRole[Frequency.FREQUENT.ordinal()];
        System.out.printf(
                "small-lvis seed 7: %d val images, %d val instances; per class r/c/f %.2f / %.2f / %.2f%n",
                a.val().images().size(), a.val().annotations().size(), rare, common, frequent);
        assertTrue(
                rare < 3 && rare < common && common * 3 < frequent,
                "val instances per class r/c/f " + rare + " / " + common + " / " + frequent);
        assertTrue(spearman(train, val) > 0.9, "rank correlation " + spearman(train, val));
        // about a third of the training instances, as val has a third of train's images
        double ratio = Arrays.stream(val).sum() / Arrays.stream(train).sum();
        assertTrue(ratio > 0.28 && ratio < 0.4, "val/train instances " + ratio);
    }

    @Test
    void negativesAreAbsentAndDrawnAtRandomNotAsSiblings() {
        SyntheticAnnotations a = SyntheticDataset.annotations(SyntheticPreset.SMALL_LVIS, 7);
        int siblingsAbsent = 0;
        int siblingsListed = 0;
        int othersAbsent = 0;
        int othersListed = 0;
        for (LvisImage img : a.val().images()) {
            Set<Integer> present = new HashSet<>();
            a.val().annotations().stream()
                    .filter(x -> x.imageId() == img.id())
                    .forEach(x -> present.add(x.categoryId()));
            Arrays.stream(img.notExhaustiveCategoryIds()).forEach(present::add);
            Set<Integer> negatives = new HashSet<>();
            Arrays.stream(img.negCategoryIds()).forEach(negatives::add);
            assertEquals(SyntheticPreset.SMALL_LVIS.lvisNegatives, negatives.size(), "image " + img.id());
            for (int n : img.negCategoryIds()) {
                assertFalse(present.contains(n), "image " + img.id() + ": negative " + n + " is in the image");
            }
            for (int id = 1; id <= 50; id++) {
                if (present.contains(id)) {
                    continue;
                }
                boolean sibling = isSiblingOfAny(id, present);
                boolean listed = negatives.contains(id);
                if (sibling) {
                    siblingsAbsent++;
                    siblingsListed += listed ? 1 : 0;
                } else {
                    othersAbsent++;
                    othersListed += listed ? 1 : 0;
                }
            }
        }
        double siblingRate = (double) siblingsListed / siblingsAbsent;
        double otherRate = (double) othersListed / othersAbsent;
        // small lists every absent sibling (rate 1); here an absent sibling is as likely a negative as any other
        assertTrue(siblingRate < 0.6, "absent siblings listed " + siblingRate);
        assertEquals(otherRate, siblingRate, 0.05, "siblings " + siblingRate + " vs other categories " + otherRate);

        SyntheticAnnotations small = SyntheticDataset.annotations(SyntheticPreset.SMALL, 7);
        LvisImage first = small.val().images().get(0);
        Set<Integer> present = new HashSet<>();
        small.val().annotations().stream()
                .filter(x -> x.imageId() == first.id())
                .forEach(x -> present.add(x.categoryId()));
        for (int id = 1; id <= 50; id++) {
            if (!present.contains(id) && isSiblingOfAny(id, present)) {
                int sibling = id;
                assertTrue(
                        Arrays.stream(first.negCategoryIds()).anyMatch(n -> n == sibling),
                        "small lists sibling " + id + " as negative");
            }
        }
    }

    @Test
    void sameSeedSameValBytes() throws IOException {
        assertArrayEquals(
                json(SyntheticDataset.annotations(SyntheticPreset.SMALL_LVIS, 3).val()),
                json(SyntheticDataset.annotations(SyntheticPreset.SMALL_LVIS, 3).val()));
    }

    /** Ids are 5 * family + member + 1: a sibling shares the family and is not the category itself. */
    private static boolean isSiblingOfAny(int id, Set<Integer> present) {
        return present.stream().anyMatch(p -> p != id && (p - 1) / 5 == (id - 1) / 5);
    }

    private static double spearman(double[] x, double[] y) {
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = Arrays.stream(rx).average().orElseThrow();
        double my = Arrays.stream(ry).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Ranks with ties averaged. */
    private static double[] ranks(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int less = 0;
            int equal = 0;
            for (double w : v) {
                less += w < v[i] ? 1 : 0;
                equal += w == v[i] ? 1 : 0;
            }
            r[i] = less + (equal + 1) / 2.0;
        }
        return r;
    }

    private static byte[] json(LvisDataset d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LvisDatasetWriter.write(d, out);
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LvisDataset withoutSegmentations(LvisDataset d) {
        return new LvisDataset(
                d.images(),
                d.annotations().stream()
                        .map(a -> new LvisAnnotation(
                                a.id(), a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), a.area()))
                        .toList(),
                d.categories());
    }
}

package io.bagsflow.ml.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.dataset.DatasetValidator;
import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The held-out test split, the sibling placements and the wide preset of the synthetic benchmark. */
class SyntheticSplitsTest {

    /**
     * SHA-256 of train.json and val.json for seed 7, as written before test sets existed (commit 0116eb3). Those
     * files had no segmentations, which the drawn outlines added since (issue 24): the hashes are of the files
     * without them, so everything else is still byte for byte what it was.
     */
    private static final Map<String, List<String>> SEED7_BEFORE_TEST = Map.of(
            "tiny",
            List.of(
                    "338b7528b37c3e775f366fb48d05d32c62a75a14d2b9911a63ffe2741e48dadc",
                    "1b086102fbbce4289ca24b5906f3f261c81e6f48b1d02129a61705dee8a82161"),
            "small-lvis",
            List.of(
                    "3e57bcb746ebe01f8c86d98f7fd08c83d4bc74f4ebd6f1dde4ffc6b129cbf697",
                    "9baad6afd0c2e37b9f303448786b0d6a72f1f2444aa23f06a9de3d9190581e77"));

    @TempDir
    Path tmp;

    @Test
    void addingTheTestSetLeavesTrainAndValByteForByte() throws IOException {
        for (var e : SEED7_BEFORE_TEST.entrySet()) {
            SyntheticAnnotations a = SyntheticDataset.annotations(SyntheticPreset.parse(e.getKey()), 7);
            assertEquals(
                    e.getValue(),
                    List.of(sha256(withoutSegmentations(a.train())), sha256(withoutSegmentations(a.val()))),
                    e.getKey());
            assertTrue(a.train().annotations().stream().allMatch(x -> x.segmentation() != null), "polygons written");
        }
    }

    @Test
    void generateWritesATestSetDrawnLikeValButNotValItself() throws IOException {
        SyntheticSummary s = SyntheticDataset.generate(SyntheticPreset.TINY, 7, tmp);
        assertEquals(tmp.resolve("test.json"), s.test());
        LvisDataset train = LvisDatasetReader.read(s.train());
        LvisDataset val = LvisDatasetReader.read(s.val());
        LvisDataset test = LvisDatasetReader.read(s.test());

        assertEquals(val.categories(), test.categories());
        assertNotEquals(sha256(val), sha256(test));
        assertTrue(s.testImages() > 0 && s.testImages() <= SyntheticPreset.TINY.valImages, s.toString());
        assertEquals(test.images().size(), s.testImages());
        // same distribution as val: every class has the preset's val instances, as in val
        Map<Integer, Long> perClass = test.annotations().stream()
                .collect(Collectors.groupingBy(LvisAnnotation::categoryId, Collectors.counting()));
        for (int c = 1; c <= SyntheticPreset.TINY.numClasses(); c++) {
            assertEquals((long) SyntheticPreset.TINY.valInstancesPerClass, perClass.get(c), "test instances of " + c);
        }
        assertTrue(test.images().stream().allMatch(i -> i.negCategoryIds().length > 0), "a federated test set");
        assertTrue(test.images().stream().allMatch(i -> i.fileName().startsWith("test_")));
        // ids of images and annotations are unique over the three files, and every test image was drawn
        Set<Long> imageIds = new HashSet<>();
        Set<Long> annotationIds = new HashSet<>();
        for (LvisDataset d : List.of(train, val, test)) {
            d.images().forEach(i -> assertTrue(imageIds.add((long) i.id()), "image id " + i.id()));
            d.annotations().forEach(a -> assertTrue(annotationIds.add(a.id()), "annotation id " + a.id()));
        }
        for (LvisImage img : test.images()) {
            assertTrue(Files.isRegularFile(s.imageDir().resolve(img.fileName())), img.fileName());
        }
        // the test set is a valid LVIS val file for the same training set
        assertEquals(
                "",
                DatasetValidator.check(s.train(), s.test(), s.imageDir())
                        .report()
                        .format(20));
    }

    @Test
    void smallLvisDrawsItsTestSetLikeLvisValToo() {
        SyntheticAnnotations a = SyntheticDataset.annotations(SyntheticPreset.SMALL_LVIS, 7);
        assertNotEquals(
                a.val().annotations().size() + ":" + a.val().images().size(),
                a.test().annotations().size() + ":" + a.test().images().size());
        for (LvisImage img : a.test().images()) {
            assertEquals(SyntheticPreset.SMALL_LVIS.lvisNegatives, img.negCategoryIds().length, "image " + img.id());
        }
        // long-tailed like val: the most frequent class has many more test instances than the rarest
        Map<Integer, Long> perClass = a.test().annotations().stream()
                .collect(Collectors.groupingBy(LvisAnnotation::categoryId, Collectors.counting()));
        assertTrue(
                perClass.values().stream().mapToLong(Long::longValue).max().orElseThrow() >= 20, perClass.toString());
        assertEquals(
                1L, perClass.values().stream().mapToLong(Long::longValue).min().orElseThrow());
    }

    @Test
    void acrossGroupsIsTheDefaultAndPutsEveryRareClassNextToAMoreFrequentOne() {
        SyntheticPlan byDefault = SyntheticPlanner.plan(SyntheticPreset.SMALL, 201);
        SyntheticPlan across = SyntheticPlanner.plan(SyntheticPreset.SMALL, 201, SiblingPlacement.ACROSS_GROUPS);
        assertEquals(byDefault.classes(), across.classes());
        assertEquals(SiblingPlacement.ACROSS_GROUPS, SiblingPlacement.parse(null));
        assertEquals(0, singleRoleFamilies(across.classes()));
    }

    @Test
    void withinGroupGivesFamiliesOneRoleAndRandomKeepsTheRoleMix() {
        List<SyntheticClass> across =
                SyntheticPlanner.plan(SyntheticPreset.SMALL, 201).classes();
        List<SyntheticClass> within = SyntheticPlanner.plan(SyntheticPreset.SMALL, 201, SiblingPlacement.WITHIN_GROUP)
                .classes();
        List<SyntheticClass> random = SyntheticPlanner.plan(SyntheticPreset.SMALL, 201, SiblingPlacement.RANDOM)
                .classes();
        Map<Frequency, Long> mix = roles(across);
        assertEquals(Map.of(Frequency.RARE, 20L, Frequency.COMMON, 18L, Frequency.FREQUENT, 12L), mix);
        assertEquals(mix, roles(within));
        assertEquals(mix, roles(random));
        // 20 r, 18 c, 12 f in runs of five: 4 rare families, 3 common, 2 frequent and one mixed family
        assertEquals(9, singleRoleFamilies(within));
        assertTrue(singleRoleFamilies(random) < 9, "random ignores families");
        assertNotEquals(
                across.stream().map(SyntheticClass::role).toList(),
                random.stream().map(SyntheticClass::role).toList());
        // the classes themselves (names, hues) stay: only the roles move
        for (int i = 0; i < across.size(); i++) {
            assertEquals(across.get(i).name(), within.get(i).name());
            assertEquals(across.get(i).hue(), random.get(i).hue());
        }
        // and the training counts follow the roles: in within_group a family's classes share one BAGS group mostly
        LvisDataset train = SyntheticDataset.annotations(SyntheticPreset.SMALL, 201, SiblingPlacement.WITHIN_GROUP)
                .train();
        CategoryStatistics stats = CategoryStatistics.compute(train, "train.json");
        BagsGroups groups = BagsGroups.of(stats, BinEdges.DEFAULT, CountSource.ANNOTATIONS);
        int sameGroupPairs = 0;
        int pairs = 0;
        for (int f = 0; f < SyntheticPreset.SMALL.families; f++) {
            for (int m = 1; m < SyntheticPreset.MEMBERS; m++) {
                int a = f * SyntheticPreset.MEMBERS + m;
                pairs++;
                sameGroupPairs += groups.groupOf(a) == groups.groupOf(a + 1) ? 1 : 0;
            }
        }
        assertTrue(sameGroupPairs * 2 > pairs, sameGroupPairs + " of " + pairs + " neighbours share a group");
    }

    @Test
    void anUnknownPlacementIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SiblingPlacement.parse("nearby"));
        assertEquals("unknown siblings placement \"nearby\": use across_groups, within_group, random", e.getMessage());
    }

    @Test
    void widePresetHasOver250ClassesAt96PixelsAndTrainsAsSmall() {
        SyntheticPreset wide = SyntheticPreset.parse("wide");
        assertEquals(96, wide.imageSize());
        assertEquals(260, wide.numClasses());
        assertEquals("small", wide.detectorPreset());
        SyntheticPlan plan = SyntheticPlanner.plan(wide, 1);
        CategoryStatistics stats = CategoryStatistics.compute(plan.train(), "train.json");
        Map<Frequency, Long> labels =
                stats.categories().stream().collect(Collectors.groupingBy(c -> c.frequency(), Collectors.counting()));
        assertEquals(Map.of(Frequency.RARE, 104L, Frequency.COMMON, 94L, Frequency.FREQUENT, 62L), labels);
        assertTrue(plan.droppedObjects() * 100 < plan.train().annotations().size(), "dropped " + plan.droppedObjects());
        Map<Integer, Long> testPerClass = plan.test().annotations().stream()
                .collect(Collectors.groupingBy(LvisAnnotation::categoryId, Collectors.counting()));
        assertEquals(260, testPerClass.size(), "every class has test instances");
    }

    private static Map<Frequency, Long> roles(List<SyntheticClass> classes) {
        return classes.stream().collect(Collectors.groupingBy(SyntheticClass::role, Collectors.counting()));
    }

    private static int singleRoleFamilies(List<SyntheticClass> classes) {
        Map<Integer, Set<Frequency>> byFamily = classes.stream()
                .collect(Collectors.groupingBy(
                        SyntheticClass::family, Collectors.mapping(SyntheticClass::role, Collectors.toSet())));
        return (int) byFamily.values().stream().filter(s -> s.size() == 1).count();
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

    private static String sha256(LvisDataset d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LvisDatasetWriter.write(d, out);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.bagsflow.ml.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.dataset.CategoryCount;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.dataset.DatasetCheck;
import io.bagsflow.ml.dataset.DatasetValidator;
import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {

    @TempDir
    Path tmp;

    @Test
    void samePresetAndSeedGiveIdenticalBytes() throws IOException {
        SyntheticSummary a = SyntheticDataset.generate(SyntheticPreset.TINY, 7, tmp.resolve("a"));
        SyntheticDataset.generate(SyntheticPreset.TINY, 7, tmp.resolve("b"));
        SyntheticDataset.generate(SyntheticPreset.TINY, 8, tmp.resolve("c"));

        List<String> files = relativeFiles(tmp.resolve("a"));
        assertEquals(files, relativeFiles(tmp.resolve("b")));
        assertEquals(3 + a.trainImages() + a.valImages() + a.testImages(), files.size());
        for (String f : files) {
            assertArrayEquals(
                    Files.readAllBytes(tmp.resolve("a").resolve(f)),
                    Files.readAllBytes(tmp.resolve("b").resolve(f)),
                    f);
        }
        assertFalse(
                Arrays.equals(
                        Files.readAllBytes(tmp.resolve("a/train.json")),
                        Files.readAllBytes(tmp.resolve("c/train.json"))),
                "another seed, another dataset");
    }

    @Test
    void tinyHasRareCommonAndFrequentClassesAndAFederatedVal() {
        SyntheticSummary s = SyntheticDataset.generate(SyntheticPreset.TINY, 1, tmp);
        LvisDataset train = LvisDatasetReader.read(s.train());
        LvisDataset val = LvisDatasetReader.read(s.val());

        assertTrue(s.trainImages() + s.valImages() <= 200, s.toString());
        assertEquals(10, s.categories());
        assertEquals(List.of(4, 4, 2), List.of(s.rareClasses(), s.commonClasses(), s.frequentClasses()));
        assertEquals(0, s.droppedObjects());
        assertTrue(train.images().stream().allMatch(i -> i.width() == 64 && i.height() == 64));

        CategoryStatistics stats = CategoryStatistics.compute(train, "train.json");
        BagsGroups groups = BagsGroups.of(stats, BinEdges.DEFAULT, CountSource.ANNOTATIONS);
        assertTrue(groups.groupSize(1) > 0 && groups.groupSize(2) > 0 && groups.groupSize(3) > 0, groups.toString());
        // the counts written into both files are the recomputed training counts
        assertEquals(List.of(), stats.warnings());
        assertEquals(train.categories(), val.categories());

        assertTrue(
                val.images().stream().allMatch(i -> i.negCategoryIds().length > 0),
                "every val image lists absent categories");
        assertTrue(val.images().stream().anyMatch(i -> i.notExhaustiveCategoryIds().length > 0));
        for (LvisImage img : val.images()) {
            for (int present : presentCategories(val, img)) {
                for (int sibling : siblings(present)) {
                    boolean alsoPresent =
                            Arrays.stream(presentCategories(val, img)).anyMatch(c -> c == sibling);
                    assertTrue(
                            alsoPresent || Arrays.stream(img.negCategoryIds()).anyMatch(c -> c == sibling),
                            "image " + img.id() + ": look-alike " + sibling + " of " + present + " is listed absent");
                }
            }
        }
        for (int c = 1; c <= 10; c++) {
            int id = c;
            assertEquals(
                    SyntheticPreset.TINY.valInstancesPerClass,
                    val.annotations().stream().filter(a -> a.categoryId() == id).count(),
                    "val instances of " + c);
        }
    }

    @Test
    void generatedDataPassesValidation() {
        SyntheticSummary s = SyntheticDataset.generate(SyntheticPreset.TINY, 3, tmp);
        DatasetCheck check = DatasetValidator.check(s.train(), s.val(), s.imageDir());
        assertEquals("", check.report().format(20));
        assertEquals(s.trainImages(), check.manifest().counts().trainImages());
    }

    @Test
    void familiesMixRareAndFrequentLookAlikes() {
        SyntheticPlan plan = SyntheticPlanner.plan(SyntheticPreset.SMALL, 1);
        CategoryStatistics stats = CategoryStatistics.compute(plan.train(), "train.json");
        for (int f = 0; f < SyntheticPreset.SMALL.families; f++) {
            List<SyntheticClass> members = plan.classes().subList(f * 5, f * 5 + 5);
            boolean rareNextToFrequent = false;
            for (int m = 0; m < 5; m++) {
                SyntheticClass c = members.get(m);
                assertEquals(members.get(0).shape(), c.shape());
                assertEquals(members.get(0).texture(), c.texture());
                assertEquals(c.role(), stats.categories().get(c.id() - 1).frequency(), c.name());
                if (m > 0) {
                    double step = FamilyDesign.frac(c.hue() - members.get(m - 1).hue());
                    assertEquals(SyntheticPreset.HUE_STEP, step, 1e-9, c.name());
                    Frequency a = c.role();
                    Frequency b = members.get(m - 1).role();
                    rareNextToFrequent |= a == Frequency.RARE && b == Frequency.FREQUENT
                            || a == Frequency.FREQUENT && b == Frequency.RARE;
                }
            }
            assertTrue(rareNextToFrequent, "family " + f);
        }
    }

    @Test
    void smallPlanHasTheDemoShape() {
        SyntheticAnnotations small = SyntheticDataset.annotations(SyntheticPreset.SMALL, 1);
        Shape shape = shape(small.train());
        assertEquals(50, shape.classes());
        assertEquals(List.of(20, 18, 12), shape.rareCommonFrequent());
        assertEquals(List.of(19, 17, 14, 0), shape.groupSizes());
        assertEquals(1498, small.train().images().size());
        assertEquals(487, small.val().images().size());
        assertEquals(1000, small.val().annotations().size());
        assertEquals(462, shape.maxInstances());
        assertEquals(1, shape.minInstances());
    }

    @Test
    void mediumPlanPopulatesAllFourGroups() {
        SyntheticAnnotations medium = SyntheticDataset.annotations(SyntheticPreset.MEDIUM, 1);
        Shape shape = shape(medium.train());
        assertEquals(300, shape.classes());
        assertEquals(List.of(120, 108, 72), shape.rareCommonFrequent());
        assertEquals(List.of(117, 105, 57, 21), shape.groupSizes());
        assertEquals(18907, medium.train().images().size());
        assertEquals(999, medium.val().images().size());
        assertEquals(2326, shape.maxInstances());
    }

    @Test
    void refusesAFolderThatIsNotEmpty() throws IOException {
        Files.writeString(tmp.resolve("old.txt"), "x");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SyntheticDataset.generate(SyntheticPreset.TINY, 1, tmp));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
    }

    record Shape(
            int classes,
            List<Integer> rareCommonFrequent,
            List<Integer> groupSizes,
            int minInstances,
            int maxInstances) {}

    private static Shape shape(LvisDataset train) {
        CategoryStatistics stats = CategoryStatistics.compute(train, "train.json");
        BagsGroups groups = BagsGroups.of(stats, BinEdges.DEFAULT, CountSource.ANNOTATIONS);
        List<Integer> rcf = Stream.of(Frequency.RARE, Frequency.COMMON, Frequency.FREQUENT)
                .map(f -> (int) stats.categories().stream()
                        .filter(c -> c.frequency() == f)
                        .count())
                .toList();
        List<Integer> sizes =
                List.of(groups.groupSize(1), groups.groupSize(2), groups.groupSize(3), groups.groupSize(4));
        int min = stats.categories().stream()
                .mapToInt(CategoryCount::instanceCount)
                .min()
                .orElseThrow();
        int max = stats.categories().stream()
                .mapToInt(CategoryCount::instanceCount)
                .max()
                .orElseThrow();
        return new Shape(stats.numClasses(), rcf, sizes, min, max);
    }

    private static int[] presentCategories(LvisDataset val, LvisImage img) {
        return val.annotations().stream()
                .filter(a -> a.imageId() == img.id())
                .mapToInt(a -> a.categoryId())
                .distinct()
                .toArray();
    }

    /** Ids of the other members of a category's family (ids are 5 * family + member + 1). */
    private static int[] siblings(int categoryId) {
        int first = (categoryId - 1) / 5 * 5 + 1;
        return IntStream.range(first, first + 5).filter(id -> id != categoryId).toArray();
    }

    private static List<String> relativeFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}

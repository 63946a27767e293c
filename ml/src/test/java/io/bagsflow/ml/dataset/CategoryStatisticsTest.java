package io.bagsflow.ml.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CategoryStatisticsTest {

    @Test
    void countsInstancesAndImagesAndLabelsByImageCount() {
        List<LvisImage> images = new ArrayList<>();
        for (int i = 1; i <= 120; i++) {
            images.add(new LvisImage(i, 50, 50, i + ".png", null, new int[0], new int[0]));
        }
        List<LvisAnnotation> anns = new ArrayList<>();
        for (int i = 1; i <= 120; i++) { // category 7: two per image in 120 images -> frequent
            anns.add(new LvisAnnotation(anns.size() + 1, i, 7, 0, 0, 5, 5, 25));
            anns.add(new LvisAnnotation(anns.size() + 1, i, 7, 10, 10, 5, 5, 25));
        }
        for (int i = 1; i <= 11; i++) { // category 2: 11 images -> common
            anns.add(new LvisAnnotation(anns.size() + 1, i, 2, 20, 20, 5, 5, 25));
        }
        List<LvisCategory> cats = List.of(
                new LvisCategory(7, "seven", List.of(), null, null, Frequency.FREQUENT, 120, 240),
                new LvisCategory(2, "two", List.of(), null, null, Frequency.RARE, 11, 12),
                new LvisCategory(5, "five", List.of(), null, null, null, -1, -1));

        CategoryStatistics stats = CategoryStatistics.compute(new LvisDataset(images, anns, cats), "train.json");

        assertArrayEquals(new int[] {2, 5, 7}, stats.categoryIds());
        assertEquals(
                new CategoryCount(2, "two", 11, 11, Frequency.COMMON, 12, 11, Frequency.RARE),
                stats.categories().get(0));
        assertEquals(
                new CategoryCount(5, "five", 0, 0, Frequency.RARE, -1, -1, null),
                stats.categories().get(1));
        assertEquals(
                new CategoryCount(7, "seven", 240, 120, Frequency.FREQUENT, 240, 120, Frequency.FREQUENT),
                stats.categories().get(2));
        assertArrayEquals(new int[] {11, 0, 240}, stats.instanceCounts(CountSource.ANNOTATIONS));
        assertArrayEquals(new int[] {12, 0, 240}, stats.instanceCounts(CountSource.FILE));
        assertArrayEquals(new int[] {1, 3}, stats.imageLabels()[0]);
        assertArrayEquals(new int[] {3}, stats.imageLabels()[119]);
        assertEquals(
                List.of(
                        "train.json: categories (id 2, \"two\"): instance_count is 12 in the file but 11 in the annotations",
                        "train.json: categories (id 2, \"two\"): frequency is \"r\" in the file but \"c\" for 11 training images"),
                stats.warnings().stream().map(DatasetProblem::message).toList());
    }
}

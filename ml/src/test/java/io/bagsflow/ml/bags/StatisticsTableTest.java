package io.bagsflow.ml.bags;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import org.junit.jupiter.api.Test;

class StatisticsTableTest {

    @Test
    void countsClassesInstancesAndImagesPerGroupAndFrequency() {
        CategoryStatistics stats = CategoryStatistics.compute(BagsGroupsTest.handMade(), "train.json");
        String table = StatisticsTable.format(stats, BagsGroups.of(stats, BinEdges.DEFAULT, CountSource.ANNOTATIONS));
        // 200 images; the 1000 instances of category 21 cover all of them; 9, 10, 12 and 150 instances sit on
        // images 1..n, one per image
        assertEquals("""
                training set: 200 images (200 with instances), 1181 instances, 6 classes
                group  bin             classes  instances   images
                1      [0,10)                2          9        9
                2      [10,100)              2         22       12
                3      [100,1000)            1        150      150
                4      [1000,inf)            1       1000      200
                freq   images/class    classes  instances   images
                r      1-10                  3         19       10
                c      11-100                1         12       12
                f      >100                  2       1150      200
                all                          6       1181      200
                """, table);
    }
}

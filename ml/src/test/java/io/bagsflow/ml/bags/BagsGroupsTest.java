package io.bagsflow.ml.bags;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisFormatException;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.testing.LvisGolden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BagsGroupsTest {

    @TempDir
    Path tmp;

    /**
     * Six categories, listed out of id order in the file, with 0, 12, 9, 150, 1000 and 10 training instances:
     * ids 3 and 8 go to [0,10), 5 and 34 to [10,100), 13 to [100,1000), 21 to [1000,inf).
     */
    static LvisDataset handMade() {
        int[] ids = {34, 3, 21, 8, 13, 5};
        int[] instances = {10, 0, 1000, 9, 150, 12};
        List<LvisCategory> cats = new ArrayList<>();
        for (int id : ids) {
            cats.add(new LvisCategory(id, "cat" + id, List.of(), null, null, null, -1, -1));
        }
        List<LvisImage> images = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            images.add(new LvisImage(i, 100, 100, "img" + i + ".png", null, new int[0], new int[0]));
        }
        List<LvisAnnotation> anns = new ArrayList<>();
        for (int c = 0; c < ids.length; c++) {
            for (int j = 0; j < instances[c]; j++) {
                anns.add(new LvisAnnotation(anns.size() + 1, j % 200 + 1, ids[c], 10, 10, 20, 20, 400));
            }
        }
        return new LvisDataset(images, anns, cats);
    }

    @Test
    void groupsJsonOfAHandMadeFileEntryByEntry() throws Exception {
        Path annotations = tmp.resolve("train.json");
        LvisDatasetWriter.write(handMade(), annotations);
        CategoryStatistics stats = CategoryStatistics.compute(LvisDatasetReader.read(annotations), "train.json");

        BagsFiles files = BagsFiles.write(stats, GroupingOptions.DEFAULT, tmp.resolve("groups"));

        JsonNode json = new ObjectMapper().readTree(files.groupsJson().toFile());
        assertArrayEquals(new int[] {0, 10, 100, 1000}, ints(json.get("bin_edges")));
        assertArrayEquals(new int[] {3, 5, 8, 13, 21, 34}, ints(json.get("category_ids")));
        int[][] expectedL2b = {
            {0, 1, 1, 1, 1, 1, 1},
            {0, 1, 0, 2, 0, 0, 0},
            {0, 0, 1, 0, 0, 0, 2},
            {0, 0, 0, 0, 1, 0, 0},
            {0, 0, 0, 0, 0, 1, 0}
        };
        assertArrayEquals(expectedL2b, rows(json.get("label2binlabel")));
        assertArrayEquals(new int[][] {{0, 2}, {2, 3}, {5, 3}, {8, 2}, {10, 2}}, rows(json.get("pred_slice")));
        assertArrayEquals(new int[][] {{3, 8}, {5, 34}, {13}, {21}}, rows(json.get("splits")));
        assertEquals(5, json.size(), "groups.json has exactly the five documented keys");

        BagsGroups groups = files.groups();
        assertEquals(6, groups.numClasses());
        assertEquals(4, groups.numGroups());
        assertEquals(12, groups.totalLogits());
        assertArrayEquals(new int[] {0, 1, 2, 1, 3, 4, 2}, groups.labelGroups());
        assertArrayEquals(new int[] {0, 1, 1, 2, 1, 1, 2}, groups.labelIndicesInGroup());
        // category 34 (label 6) is the second class of group 2, whose "others" logit sits at 5
        assertEquals(7, groups.logitIndex(6));
        assertEquals(0, groups.logitIndex(0));
        assertEquals(groups, GroupsJson.read(files.groupsJson()));
    }

    @Test
    void groupsJsonTextIsOneRowPerLine() {
        BagsGroups groups =
                BagsGroups.fromInstanceCounts(new int[] {3, 5, 8}, new int[] {0, 12, 9}, BinEdges.parse("0,10"));
        assertEquals("""
                {
                  "bin_edges": [0, 10],
                  "category_ids": [3, 5, 8],
                  "label2binlabel": [
                    [0, 1, 1, 1],
                    [0, 1, 0, 2],
                    [0, 0, 1, 0]
                  ],
                  "pred_slice": [
                    [0, 2],
                    [2, 3],
                    [5, 2]
                  ],
                  "splits": [
                    [3, 8],
                    [5]
                  ]
                }
                """, GroupsJson.toJson(groups));
    }

    @Test
    void aBinWithoutClassesKeepsItsOthersLogit() {
        BagsGroups groups = BagsGroups.fromInstanceCounts(new int[] {1, 2, 3}, new int[] {5, 50, 7}, BinEdges.DEFAULT);
        assertArrayEquals(new int[][] {{0, 2}, {2, 3}, {5, 2}, {7, 1}, {8, 1}}, groups.predSlice());
        assertEquals(3 + 4 + 2, groups.totalLogits());
        assertEquals(0, groups.groupSize(3));
        assertArrayEquals(new int[0], groups.split(4));
    }

    @Test
    void lvisVal100GroupsByInstanceCount() {
        Path file = LvisGolden.lvisVal100();
        CategoryStatistics stats = CategoryStatistics.compute(LvisDatasetReader.read(file), file.toString());
        assertEquals(1230, stats.numClasses());
        // This subset's instance_count fields were recomputed for its 977 annotations, so both sources agree;
        // its frequency labels are LVIS v0.5 train's and disagree for 776 categories (c or f with <= 10 images).
        assertEquals(776, stats.warnings().size());
        assertEquals(
                stats.categories().stream()
                        .mapToInt(c -> c.fileInstanceCount())
                        .boxed()
                        .toList(),
                stats.categories().stream()
                        .mapToInt(c -> c.instanceCount())
                        .boxed()
                        .toList());

        for (CountSource source : CountSource.values()) {
            BagsGroups groups = BagsGroups.of(stats, BinEdges.DEFAULT, source);
            assertEquals(1236, groups.totalLogits());
            assertEquals(4, groups.numGroups());
            assertArrayEquals(
                    new int[] {1205, 25, 0, 0},
                    new int[] {groups.groupSize(1), groups.groupSize(2), groups.groupSize(3), groups.groupSize(4)});
            for (int label = 1; label <= 1230; label++) {
                int n = stats.categories().get(label - 1).instanceCount(source);
                int expected = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
                assertEquals(
                        expected,
                        groups.groupOf(label),
                        "category " + stats.categories().get(label - 1).id());
            }
            assertRowsMatchPredSlice(groups);
        }
    }

    /**
     * Row 0 maps background to 0 and every class to 1 (length 2); row g numbers its classes 1..n_g once each
     * with n_g + 1 = its pred_slice length; starts are cumulative; lengths sum to C + G + 2.
     */
    static void assertRowsMatchPredSlice(BagsGroups groups) {
        int[][] l2b = groups.label2binlabel();
        int[][] slice = groups.predSlice();
        assertEquals(0, l2b[0][0]);
        for (int label = 1; label < l2b[0].length; label++) {
            assertEquals(1, l2b[0][label], "row 0, label " + label);
        }
        assertArrayEquals(new int[] {0, 2}, slice[0]);
        int start = 2;
        for (int g = 1; g < l2b.length; g++) {
            assertEquals(start, slice[g][0], "start of group " + g);
            int[] seen = new int[l2b[g].length];
            int classes = 0;
            for (int label = 1; label < l2b[g].length; label++) {
                int v = l2b[g][label];
                if (v != 0) {
                    seen[v]++;
                    classes++;
                }
            }
            assertEquals(classes + 1, slice[g][1], "length of group " + g);
            for (int v = 1; v <= classes; v++) {
                assertEquals(1, seen[v], "group " + g + " in-group index " + v);
            }
            start += slice[g][1];
        }
        assertEquals(groups.numClasses() + groups.numGroups() + 2, start);
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    static int[][] rows(JsonNode array) {
        int[][] out = new int[array.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints(array.get(i));
        }
        return out;
    }

    @Test
    void readingAnInconsistentGroupsJsonNamesTheEntry() throws Exception {
        BagsGroups groups =
                BagsGroups.fromInstanceCounts(new int[] {3, 5, 8}, new int[] {0, 12, 9}, BinEdges.parse("0,10"));
        Path file = tmp.resolve("groups.json");
        Files.writeString(file, GroupsJson.toJson(groups).replace("[2, 3]", "[2, 4]"));
        LvisFormatException e = assertThrows(LvisFormatException.class, () -> GroupsJson.read(file));
        assertEquals(file + ": pred_slice[1]: expected [2, 3], found [2, 4]", e.getMessage());

        Files.writeString(file, GroupsJson.toJson(groups).replace("[0, 1, 0, 2]", "[0, 2, 0, 1]"));
        e = assertThrows(LvisFormatException.class, () -> GroupsJson.read(file));
        assertEquals(
                file + ": label2binlabel[1][1]: expected in-group index 1 (ascending label order), found 2",
                e.getMessage());
    }
}

package io.bagsflow.ml.bags;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BagsFilesTest {

    @TempDir
    Path tmp;

    /** Five images: category 1 in image 1 only, category 2 in images 1-4, category 3 nowhere, image 5 empty. */
    static CategoryStatistics fiveImages() {
        List<LvisCategory> cats = List.of(
                new LvisCategory(1, "a", List.of(), null, null, null, -1, -1),
                new LvisCategory(2, "b", List.of(), null, null, null, -1, -1),
                new LvisCategory(3, "c", List.of(), null, null, null, -1, -1));
        List<LvisImage> images = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            images.add(new LvisImage(i, 10, 10, i + ".png", null, new int[0], new int[0]));
        }
        List<LvisAnnotation> anns = new ArrayList<>();
        anns.add(new LvisAnnotation(1, 1, 1, 0, 0, 5, 5, 25));
        for (int i = 1; i <= 4; i++) {
            anns.add(new LvisAnnotation(anns.size() + 1, i, 2, 0, 0, 5, 5, 25));
        }
        return CategoryStatistics.compute(new LvisDataset(images, anns, cats), "train.json");
    }

    @Test
    void repeatFactorsFollowTheLvisFormula() {
        RepeatFactors rfs = RepeatFactors.compute(fiveImages(), 0.5);
        // f(1) = 1/5 -> sqrt(0.5 / 0.2); f(2) = 4/5 -> max(1, sqrt(0.625)) = 1; category 3 is in no image -> 1
        assertArrayEquals(new double[] {Math.sqrt(2.5), 1.0, 1.0}, rfs.categoryFactors());
        assertArrayEquals(new int[] {1, 4, 0}, rfs.categoryImageCounts());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, rfs.imageIds());
        assertArrayEquals(new double[] {Math.sqrt(2.5), 1.0, 1.0, 1.0, 1.0}, rfs.imageFactors());
        assertEquals(5, rfs.numImages());
    }

    @Test
    void classWeightsAreInverseInstanceCountsAveragingOne() {
        ClassWeights w = ClassWeights.compute(fiveImages(), CountSource.ANNOTATIONS);
        assertArrayEquals(new int[] {1, 4, 0}, w.instanceCounts());
        // 1/n with n at least 1: 1, 0.25, 1, scaled by 3 / 2.25
        assertArrayEquals(new double[] {4.0 / 3, 1.0 / 3, 4.0 / 3}, w.weights(), 1e-15);
        assertEquals("""
                {
                  "category_ids": [1, 2, 3],
                  "instance_counts": [1, 4, 0],
                  "weights": [1.3333333333333333, 0.3333333333333333, 1.3333333333333333]
                }
                """, w.toJson());
    }

    @Test
    void npzHoldsTheGroupArraysAsInt64Npy() throws IOException {
        BagsFiles files = BagsFiles.write(
                CategoryStatistics.compute(BagsGroupsTest.handMade(), "train.json"), GroupingOptions.DEFAULT, tmp);
        Map<String, byte[]> entries = unzip(Files.readAllBytes(files.groupsNpz()));
        assertEquals(
                List.of(
                        "bin_edges.npy",
                        "category_ids.npy",
                        "label2binlabel.npy",
                        "pred_slice.npy",
                        "label_group.npy",
                        "label_in_group.npy",
                        "split_1.npy",
                        "split_2.npy",
                        "split_3.npy",
                        "split_4.npy"),
                List.copyOf(entries.keySet()));

        byte[] npy = entries.get("label2binlabel.npy");
        int headerLength =
                ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        assertEquals("\u0093NUMPY", new String(npy, 0, 6, StandardCharsets.ISO_8859_1));
        assertEquals(0, (10 + headerLength) % 64);
        assertEquals("{'descr': '<i8', 'fortran_order': False, 'shape': (5, 7), }", header.trim());
        assertArrayEquals(new long[] {0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 2, 0, 0, 0}, longs(npy, 10 + headerLength, 14));
        byte[] split2 = entries.get("split_2.npy");
        int h2 = ByteBuffer.wrap(split2, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(
                "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                new String(split2, 10, h2, StandardCharsets.US_ASCII).trim());
        assertArrayEquals(new long[] {5, 34}, longs(split2, 10 + h2, 2));

        byte[] first = Files.readAllBytes(files.groupsNpz());
        BagsFiles.write(
                CategoryStatistics.compute(BagsGroupsTest.handMade(), "train.json"),
                GroupingOptions.DEFAULT,
                tmp.resolve("again"));
        assertArrayEquals(first, Files.readAllBytes(tmp.resolve("again/groups.npz")), "same groups, same bytes");
    }

    @Test
    void writesTheFourFiles() {
        BagsFiles files = BagsFiles.write(
                fiveImages(), GroupingOptions.DEFAULT.withBins(BinEdges.parse("0,2")), tmp.resolve("out"));
        assertEquals(
                List.of("class_weights.json", "groups.json", "groups.npz", "repeat_factors.json"),
                list(tmp.resolve("out")));
        assertEquals(files.groups(), GroupsJson.read(files.groupsJson()));
    }

    private static List<String> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long[] longs(byte[] bytes, int offset, int n) {
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, 8 * n).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.getLong();
        }
        return out;
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                assertEquals(ZipEntry.STORED, e.getMethod());
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }
}

package io.bagsflow.ml.lvis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.mask.Segmentation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvisDatasetReaderTest {

    private static final String CATEGORIES = """
            "categories": [{"id": 1, "name": "cat", "frequency": "r", "image_count": 2, "instance_count": 3}]""";

    @TempDir
    Path dir;

    @Test
    void readsImagesAnnotationsAndCategories() throws IOException {
        Path file = write("""
                {"images": [{"id": 5, "width": 640, "height": 480, "coco_url": "http://x/val2017/000005.jpg",
                             "neg_category_ids": [1], "not_exhaustive_category_ids": []}],
                 "annotations": [{"id": 9, "image_id": 5, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 7.5,
                                  "segmentation": [[1, 2, 3, 4]]}],
                """ + CATEGORIES + "}");
        LvisDataset d = LvisDatasetReader.read(file);
        assertEquals("000005.jpg", d.images().get(0).relativeFileName());
        assertArrayEquals(new int[] {1}, d.images().get(0).negCategoryIds());
        assertEquals(
                new LvisAnnotation(9, 5, 1, 1, 2, 3, 4, 7.5), d.annotations().get(0));
        assertEquals(Frequency.RARE, d.categories().get(0).frequency());
    }

    @Test
    void segmentationsAreKeptOnRequestAndWrittenBackUnchanged() throws IOException {
        Path file = write("""
                {"images": [{"id": 5, "width": 4, "height": 3}],
                 "annotations": [
                   {"id": 1, "image_id": 5, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 4,
                    "segmentation": [[0, 0, 2, 0, 2, 2.5], [1, 1, 3, 1, 3, 2]]},
                   {"id": 2, "image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1,
                    "segmentation": {"size": [3, 4], "counts": "01;"}},
                   {"id": 3, "image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1,
                    "segmentation": {"size": [3, 4], "counts": [0, 1, 11]}}],
                """ + CATEGORIES + "}");
        assertEquals(null, LvisDatasetReader.read(file).annotations().get(0).segmentation());
        LvisDataset d = LvisDatasetReader.readWithSegmentations(file);
        Segmentation.Polygons p = (Segmentation.Polygons) d.annotations().get(0).segmentation();
        assertArrayEquals(new double[] {0, 0, 2, 0, 2, 2.5}, p.parts().get(0));
        assertEquals(
                new Segmentation.CompressedRle(3, 4, "01;"),
                d.annotations().get(1).segmentation());
        Segmentation.UncompressedRle u =
                (Segmentation.UncompressedRle) d.annotations().get(2).segmentation();
        assertArrayEquals(new int[] {0, 1, 11}, u.counts());
        assertEquals(1, u.toRle(3, 4).area());

        Path copy = dir.resolve("copy.json");
        LvisDatasetWriter.write(d, copy);
        LvisDataset back = LvisDatasetReader.readWithSegmentations(copy);
        assertArrayEquals(
                p.parts().get(1),
                ((Segmentation.Polygons) back.annotations().get(0).segmentation())
                        .parts()
                        .get(1));
        assertEquals(d.annotations().get(1), back.annotations().get(1));
        assertArrayEquals(
                u.counts(),
                ((Segmentation.UncompressedRle) back.annotations().get(2).segmentation()).counts());
    }

    @Test
    void segmentationOfAWrongTypeIsRejectedWithItsRecord() throws IOException {
        Path file = write("""
                {"images": [{"id": 5, "width": 4, "height": 3}],
                 "annotations": [{"id": 7, "image_id": 5, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 4,
                    "segmentation": {"size": [3, 4], "counts": 12}}],
                """ + CATEGORIES + "}");
        LvisFormatException e =
                assertThrows(LvisFormatException.class, () -> LvisDatasetReader.readWithSegmentations(file));
        assertTrue(e.getMessage().contains("annotations[0] (id 7), line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("\"segmentation.counts\" must be a string"), e.getMessage());
    }

    @Test
    void annotationWithoutBboxIsRejected() throws IOException {
        Path file = write("""
                {"images": [{"id": 5, "width": 640, "height": 480}],
                 "annotations": [{"id": 9, "image_id": 5, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 7},
                                 {"id": 10, "image_id": 5, "category_id": 1, "area": 7}],
                """ + CATEGORIES + "}");
        String message = failure(file);
        assertTrue(message.contains(": annotations[1] (id 10), line 3, column "), message);
        assertTrue(message.endsWith("missing required key \"bbox\""), message);
    }

    @Test
    void missingTopLevelKeyIsRejected() throws IOException {
        Path file = write("""
                {"images": [{"id": 5, "width": 640, "height": 480}],
                """ + CATEGORIES + "}");
        assertEquals(file + ": top level: missing required key \"annotations\"", failure(file));
    }

    @Test
    void invalidJsonNamesFileLineAndColumn() throws IOException {
        Path file = write("""
                {"images": [{"id": 5, "width": 640, "height": 480}],
                 "annotations": [{"id": 9, "image_id": 5, "category_id": 1, "bbox": [1, 2, 3, 4],]}],
                """ + CATEGORIES + "}");
        String message = failure(file);
        assertTrue(message.contains(": annotations[0] (id 9), line 2, column "), message);
        assertTrue(message.contains("invalid JSON"), message);
    }

    @Test
    void unknownFrequencyIsRejected() throws IOException {
        Path file = write("""
                {"images": [], "annotations": [],
                 "categories": [{"id": 4, "name": "dog", "frequency": "x"}]}
                """);
        String message = failure(file);
        assertTrue(message.contains(": categories[0] (id 4), line 2, column "), message);
        assertTrue(message.endsWith("\"frequency\" must be \"r\", \"c\" or \"f\", found \"x\""), message);
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("annotations.json");
        Files.writeString(file, json);
        return file;
    }

    private static String failure(Path file) {
        LvisFormatException e = assertThrows(LvisFormatException.class, () -> LvisDatasetReader.read(file));
        assertEquals(file.toString(), e.file());
        return e.getMessage();
    }
}

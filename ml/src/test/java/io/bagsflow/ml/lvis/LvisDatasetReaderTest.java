package io.bagsflow.ml.lvis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

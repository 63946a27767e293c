package io.bagsflow.ml.lvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvisResultsReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsDetectionsInFileOrder() throws IOException {
        Path file = write("""
                [{"image_id": 7, "category_id": 3, "bbox": [1.5, 2, 30, 40], "score": 0.25, "segmentation": [[1, 2]]},
                 {"score": 1, "bbox": [0, 0, 0, 5], "category_id": 1, "image_id": 9}]
                """);
        LvisResults r = LvisResultsReader.read(file);
        assertEquals(2, r.size());
        assertEquals(7, r.imageId(0));
        assertEquals(3, r.categoryId(0));
        assertEquals(1.5, r.x(0));
        assertEquals(40.0, r.h(0));
        assertEquals(0.25, r.score(0));
        assertEquals(9, r.imageId(1));
        assertEquals(0.0, r.w(1)); // zero-size boxes are read; the evaluator drops them as lvis-api does
        assertEquals(1.0, r.score(1));
    }

    @Test
    void invalidJsonNamesFileLineAndColumn() throws IOException {
        Path file = write("""
                [{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5},
                 {"image_id": 1 "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5}]
                """);
        String message = failure(file);
        assertTrue(message.startsWith(file + ": [1], line 2, column "), message);
        assertTrue(message.contains("invalid JSON"), message);
    }

    @Test
    void bboxWithThreeNumbersIsRejected() throws IOException {
        String message = failure(write("""
                [{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3], "score": 0.5}]
                """));
        assertTrue(message.contains(": [0], line 1, column "), message);
        assertTrue(message.contains("\"bbox\" must have 4 numbers [x, y, w, h], found 3"), message);
    }

    @Test
    void bboxWithNaNIsRejected() throws IOException {
        String message = failure(write("""
                [{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5},
                 {"image_id": 1, "category_id": 2, "bbox": [1, NaN, 3, 4], "score": 0.5}]
                """));
        assertTrue(message.contains(": [1], line 2, column "), message);
        assertTrue(message.contains("\"bbox\" must be 4 finite numbers, found NaN at index 1"), message);
    }

    @Test
    void bboxWithAStringIsRejected() throws IOException {
        String message = failure(write("""
                [{"image_id": 1, "category_id": 2, "bbox": [1, 2, "3", 4], "score": 0.5}]
                """));
        assertTrue(message.contains(": [0], line 1, column "), message);
        assertTrue(message.contains("\"bbox[2]\" must be a number, found a string"), message);
    }

    @Test
    void negativeWidthIsRejected() throws IOException {
        String message = failure(write("""
                [{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5},
                 {"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5},
                 {"image_id": 1, "category_id": 2, "bbox": [10, 20, -3, 4], "score": 0.5}]
                """));
        assertTrue(message.contains(": [2], line 3, column "), message);
        assertTrue(message.contains("\"bbox\" has a negative width -3.0"), message);
    }

    @Test
    void entryWithoutScoreIsRejected() throws IOException {
        String message = failure(write("""
                [{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5},
                 {"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4]}]
                """));
        assertTrue(message.contains(": [1], line 2, column "), message);
        assertTrue(message.endsWith("missing required key \"score\""), message);
    }

    @Test
    void topLevelObjectIsRejected() throws IOException {
        String message = failure(write("""
                {"annotations": []}
                """));
        assertTrue(message.contains("a JSON array of detections expected, found an object"), message);
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("results.json");
        Files.writeString(file, json);
        return file;
    }

    private static String failure(Path file) {
        LvisFormatException e = assertThrows(LvisFormatException.class, () -> LvisResultsReader.read(file));
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }
}

package io.bagsflow.ml.lvis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.mask.Rle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvisMaskResultsReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsCompressedUncompressedAndPolygonMasksWithOptionalBoxes() throws IOException {
        Path file = write("""
                [{"image_id": 7, "category_id": 3, "segmentation": {"size": [3, 4], "counts": "01;"}, "score": 0.5},
                 {"image_id": 7, "category_id": 3, "segmentation": {"size": [3, 4], "counts": [1, 2, 9]},
                  "bbox": [0, 0, 1, 1], "score": 0.25},
                 {"image_id": 8, "category_id": 4, "segmentation": [[0, 0, 2, 0, 2, 2]], "score": 0.125},
                 {"image_id": 8, "category_id": 4, "bbox": [1, 1, 2, 2], "score": 1}]
                """);
        LvisResults r = LvisResultsReader.readWithMasks(file);
        assertEquals(4, r.size());
        assertTrue(r.hasMasks());
        assertEquals(LvisResults.MaskKind.COMPRESSED_RLE, r.maskKind(0));
        assertFalse(r.hasBox(0));
        assertEquals(1, r.maskArea(0));
        // no bbox key: the box columns hold toBbox, as lvis-api fills it in
        assertArrayEquals(new double[] {0, 0, 1, 1}, new double[] {r.x(0), r.y(0), r.w(0), r.h(0)});
        assertEquals(LvisResults.MaskKind.UNCOMPRESSED_RLE, r.maskKind(1));
        assertTrue(r.hasBox(1));
        assertEquals(2, r.maskArea(1));
        assertArrayEquals(new int[] {1, 2, 9}, r.mask(1).counts());
        assertEquals(LvisResults.MaskKind.POLYGONS, r.maskKind(2));
        assertEquals(-1, r.maskArea(2));
        assertEquals(Rle.fromPolygon(new double[] {0, 0, 2, 0, 2, 2}, 5, 5), r.maskAt(2, 5, 5));
        assertEquals(LvisResults.MaskKind.NONE, r.maskKind(3));
        assertEquals(Rle.fromBox(1, 1, 2, 2, 5, 5), r.maskAt(3, 5, 5));
    }

    @Test
    void writtenMaskResultsReadBackTheSame() throws IOException {
        Rle square = Rle.fromBox(1, 1, 3, 3, 6, 6);
        LvisResults r = LvisResults.builder()
                .add(1, 2, 1, 1, 3, 3, 0.75, square)
                .addPolygons(1, 2, null, 0.5, List.of(new double[] {0, 0, 4, 0, 4, 4}))
                .build();
        Path file = dir.resolve("out.json");
        LvisResultsWriter.write(r, file);
        String text = Files.readString(file);
        assertTrue(
                text.contains("\"segmentation\":{\"size\":[6,6],\"counts\":\"" + square.toCompressedString() + "\"}"),
                text);
        LvisResults back = LvisResultsReader.readWithMasks(file);
        assertEquals(square, back.mask(0));
        assertTrue(back.hasBox(0));
        assertEquals(0.75, back.score(0));
        assertFalse(back.hasBox(1));
        assertArrayEquals(new double[] {0, 0, 4, 0, 4, 4}, back.polygons(1).get(0));
    }

    @Test
    void compressedRleWhoseCountsDoNotFillTheSizeIsNamedWithRecordAndPosition() throws IOException {
        String message = failure(write("""
                [{"image_id": 7, "category_id": 3, "segmentation": {"size": [3, 4], "counts": "01;"}, "score": 0.5},
                 {"image_id": 7, "category_id": 3, "segmentation": {"size": [3, 5], "counts": "01;"}, "score": 0.5}]
                """));
        assertTrue(message.contains(": [1], line 2, column "), message);
        assertTrue(
                message.contains("\"segmentation\" is not a valid compressed RLE: RLE counts add up to 12 pixels "
                        + "but its size [3, 5] has 15"),
                message);
    }

    @Test
    void badCharacterInCompressedRleIsNamed() throws IOException {
        String message = failure(write("""
                [{"image_id": 7, "category_id": 3, "segmentation": {"size": [3, 4], "counts": "0 ;"}, "score": 0.5}]
                """));
        assertTrue(message.contains(": [0], line 1, column "), message);
        assertTrue(message.contains("character ' ' at 1"), message);
    }

    @Test
    void negativeUncompressedCountIsNamed() throws IOException {
        String message = failure(write("""
                [{"image_id": 7, "category_id": 3, "segmentation": {"size": [2, 2], "counts": [5, -1]}, "score": 0.5}]
                """));
        assertTrue(message.contains("\"segmentation\" is not a valid RLE: RLE count 1 is negative: -1"), message);
    }

    @Test
    void polygonThatPycocotoolsCannotTakeIsNamed() throws IOException {
        String message = failure(write("""
                [{"image_id": 7, "category_id": 3, "segmentation": [[1, 2, 3, 4]], "score": 0.5}]
                """));
        assertTrue(message.contains("polygon 0 has 4 numbers; pycocotools needs more than 4"), message);
    }

    @Test
    void recordWithNeitherSegmentationNorBoxIsRejected() throws IOException {
        String message = failure(write("""
                [{"image_id": 7, "category_id": 3, "score": 0.5}]
                """));
        assertTrue(message.endsWith("missing required key \"segmentation\" (or \"bbox\")"), message);
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("results.json");
        Files.writeString(file, json);
        return file;
    }

    private static String failure(Path file) {
        LvisFormatException e = assertThrows(LvisFormatException.class, () -> LvisResultsReader.readWithMasks(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }
}

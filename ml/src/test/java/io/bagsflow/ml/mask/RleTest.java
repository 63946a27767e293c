package io.bagsflow.ml.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the port against pycocotools 2.0.11's own answers (resource {@code mask/rle-vectors.json}, written by
 * {@code ml/src/test/python/rle_vectors.py}): 250 random polygon lists with vertices on and off the rounding
 * edges, some outside the image, boxes and random masks of 0-100% density, each with the compressed strings,
 * merge, area and box pycocotools gave, plus 500 IoUs.
 */
class RleTest {

    private static JsonNode vectors;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = RleTest.class.getResourceAsStream("/mask/rle-vectors.json")) {
            vectors = new ObjectMapper().readTree(in);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).doubleValue();
        }
        return out;
    }

    @Test
    void polygonsRasteriseToPycocotoolsStringsPartByPartAndMerged() {
        for (JsonNode c : vectors.get("cases")) {
            int h = c.get("h").asInt();
            int w = c.get("w").asInt();
            List<double[]> parts = new ArrayList<>();
            for (JsonNode p : c.get("parts")) {
                parts.add(doubles(p));
            }
            for (int i = 0; i < parts.size(); i++) {
                assertEquals(
                        c.get("part_strings").get(i).asText(),
                        Rle.fromPolygon(parts.get(i), h, w).toCompressedString(),
                        "part " + i + " of " + c);
            }
            Rle merged = Rle.fromPolygons(parts, h, w);
            assertEquals(c.get("merged").asText(), merged.toCompressedString(), c.toString());
            assertEquals(c.get("area").asLong(), merged.area());
            assertArrayEquals(doubles(c.get("bbox")), merged.toBbox());
        }
    }

    @Test
    void boxesRasteriseAsPycocotoolsFrBbox() {
        for (JsonNode c : vectors.get("cases")) {
            double[] b = doubles(c.get("box"));
            Rle r = Rle.fromBox(
                    b[0], b[1], b[2], b[3], c.get("h").asInt(), c.get("w").asInt());
            assertEquals(
                    c.get("box_string").asText(),
                    r.toCompressedString(),
                    c.get("box").toString());
        }
    }

    @Test
    void masksEncodeColumnMajorAsPycocotoolsEncodeAndDecodeBack() {
        for (JsonNode c : vectors.get("cases")) {
            int h = c.get("h").asInt();
            int w = c.get("w").asInt();
            String bits = c.get("mask_bits").asText();
            boolean[] mask = new boolean[bits.length()];
            boolean[] rowMajor = new boolean[bits.length()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = bits.charAt(i) == '1';
                rowMajor[(i % h) * w + i / h] = mask[i];
            }
            Rle r = Rle.fromMask(mask, h, w);
            assertEquals(c.get("mask_string").asText(), r.toCompressedString());
            assertEquals(r, Rle.fromRowMajorMask(rowMajor, h, w));
            assertEquals(c.get("mask_area").asLong(), r.area());
            assertArrayEquals(doubles(c.get("mask_bbox")), r.toBbox());
            assertArrayEquals(mask, r.toMask());
            Rle back = Rle.fromCompressedString(h, w, r.toCompressedString());
            assertEquals(r, back);
            assertEquals(r, Rle.fromCounts(h, w, r.counts()));
        }
    }

    @Test
    void iouEqualsPycocotoolsRleIouIncludingDifferentSizes() {
        int sizeMismatch = 0;
        for (JsonNode p : vectors.get("ious")) {
            Rle a = rle(p.get("a"));
            Rle b = rle(p.get("b"));
            double want = p.get("iou").doubleValue();
            sizeMismatch += want == -1 ? 1 : 0;
            assertEquals(want, Rle.iou(a, b), 0.0, p.toString());
        }
        assertTrue(sizeMismatch > 0, "the vectors include IoUs of masks of different sizes");
    }

    private static Rle rle(JsonNode o) {
        return Rle.fromCompressedString(
                o.get("size").get(0).asInt(),
                o.get("size").get(1).asInt(),
                o.get("counts").asText());
    }

    @Test
    void unionOfOverlappingPartsCountsSharedPixelsOnce() {
        Rle left = Rle.fromCounts(2, 3, new int[] {0, 4, 2});
        Rle right = Rle.fromCounts(2, 3, new int[] {2, 4});
        Rle u = Rle.union(List.of(left, right));
        assertArrayEquals(new int[] {0, 6}, u.counts());
        assertEquals(6, u.area());
        assertEquals(2 / 6.0, Rle.iou(left, right), 0.0);
    }

    @Test
    void masksStartingWithPixelZeroAndEmptyMasksEncodeLikePycocotools() {
        Rle first = Rle.fromMask(new boolean[] {true, false, false, true}, 2, 2);
        assertArrayEquals(new int[] {0, 1, 2, 1}, first.counts());
        Rle empty = Rle.fromMask(new boolean[4], 2, 2);
        assertArrayEquals(new int[] {4}, empty.counts());
        assertArrayEquals(new double[] {0, 0, 0, 0}, empty.toBbox());
        assertEquals(0.0, Rle.iou(empty, empty), 0.0);
    }

    @Test
    void malformedInputIsRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rle.fromCounts(2, 2, new int[] {1, 2}))
                .getMessage()
                .contains("add up to 3 pixels but its size [2, 2] has 4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rle.fromCounts(2, 2, new int[] {5, -1}))
                .getMessage()
                .contains("negative"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString(2, 2, "4!"))
                .getMessage()
                .contains("character '!'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString(2, 2, "P"))
                .getMessage()
                .contains("ends inside a number"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> Rle.fromPolygons(List.of(new double[] {0, 0, 1, 1}), 4, 4))
                .getMessage()
                .contains("more than 4"));
    }
}

package io.bagsflow.ml.lvis;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads an LVIS results file, {@code [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}, ...]}, with the
 * streaming parser into {@link LvisResults}. Every entry needs all four keys; the bbox must be 4 finite numbers
 * with non-negative width and height (zero is allowed: the evaluator drops empty boxes as the official one
 * does); the score must be finite. Other keys (such as "segmentation") are skipped.
 *
 * <p>{@link #readWithMasks} reads instance-segmentation results as well: {@code "segmentation"} as a compressed
 * RLE {@code {"size": [h, w], "counts": "..."}}, an uncompressed RLE (integer counts) or a polygon list, with an
 * optional {@code "bbox"}; each record needs a segmentation or a box. RLEs are decoded as they are read (an
 * invalid string, or counts that do not add up to h*w, is named with its record and position) and kept as int
 * counts, not objects.
 */
public final class LvisResultsReader {

    private LvisResultsReader() {}

    public static LvisResults read(Path file) {
        return JsonCursor.readFile(file, LvisResultsReader::read);
    }

    /** Reads a results file whose records may carry masks (see the class comment). */
    public static LvisResults readWithMasks(Path file) {
        return JsonCursor.readFile(file, LvisResultsReader::readWithMasks);
    }

    public static LvisResults readWithMasks(InputStream in, String name) throws IOException {
        return readArray(in, name, (c, out) -> detection(c, out, true));
    }

    /** The array of detection objects, each read by {@code detection}; the file's own checks around it. */
    private static LvisResults readArray(InputStream in, String name, Detection detection) throws IOException {
        LvisResults.Builder out = LvisResults.builder();
        try (JsonParser parser = LvisDatasetReader.JSON.createParser(in)) {
            JsonCursor c = new JsonCursor(parser, name);
            c.next();
            c.expect(JsonToken.START_ARRAY, "a JSON array of detections");
            int index = 0;
            while (c.next() != JsonToken.END_ARRAY) {
                c.element(index);
                c.expect(JsonToken.START_OBJECT, "a detection object");
                detection.read(c, out);
                index++;
            }
            c.record("");
            if (c.next() != null) {
                throw c.problem("unexpected content after the results array");
            }
        }
        return out.build();
    }

    /** Reads the fields of one detection object (the cursor is on its start) and adds it to {@code out}. */
    private interface Detection {
        void read(JsonCursor c, LvisResults.Builder out) throws IOException;
    }

    /**
     * One detection object: with {@code masks} a segmentation may stand for the box, else a box is required and a
     * segmentation is skipped unread.
     */
    private static void detection(JsonCursor c, LvisResults.Builder out, boolean masks) throws IOException {
        int imageId = 0;
        int categoryId = 0;
        double[] bbox = null;
        Segmentation segm = null;
        Rle rle = null;
        double score = 0;
        int seen = 0;
        for (String key = c.nextField(); key != null; key = c.nextField()) {
            switch (key) {
                case "image_id" -> {
                    imageId = c.intValue(key);
                    seen |= 1;
                }
                case "category_id" -> {
                    categoryId = c.intValue(key);
                    seen |= 2;
                }
                case "bbox" -> bbox = box(c, key);
                case "segmentation" -> {
                    if (masks) {
                        segm = c.segmentation(key);
                        rle = checkSegmentation(c, key, segm);
                    } else {
                        c.skipValue();
                    }
                }
                case "score" -> {
                    score = score(c, key);
                    seen |= 8;
                }
                default -> c.skipValue();
            }
        }
        if ((seen & 1) == 0) {
            throw c.problem("missing required key \"image_id\"");
        }
        if ((seen & 2) == 0) {
            throw c.problem("missing required key \"category_id\"");
        }
        if (segm == null && bbox == null) {
            throw c.problem(
                    masks ? "missing required key \"segmentation\" (or \"bbox\")" : "missing required key \"bbox\"");
        }
        if ((seen & 8) == 0) {
            throw c.problem("missing required key \"score\"");
        }
        if (segm == null) {
            out.add(imageId, categoryId, bbox[0], bbox[1], bbox[2], bbox[3], score);
            if (masks && !out.hasMaskColumns()) {
                out.markMaskResults();
            }
        } else if (segm instanceof Segmentation.Polygons p) {
            out.addPolygons(imageId, categoryId, bbox, score, p.parts());
        } else {
            LvisResults.MaskKind kind = segm instanceof Segmentation.CompressedRle
                    ? LvisResults.MaskKind.COMPRESSED_RLE
                    : LvisResults.MaskKind.UNCOMPRESSED_RLE;
            out.add(imageId, categoryId, bbox, score, rle, kind);
        }
    }

    private static double[] box(JsonCursor c, String key) {
        double[] bbox = c.bbox(key);
        if (bbox[2] < 0 || bbox[3] < 0) {
            throw c.problem("\"bbox\" has a negative "
                    + (bbox[2] < 0 ? "width " + bbox[2] : "height " + bbox[3])
                    + "; expected [x, y, w, h] with w, h >= 0");
        }
        return bbox;
    }

    private static double score(JsonCursor c, String key) {
        double score = c.doubleValue(key);
        if (!Double.isFinite(score)) {
            throw c.problem("\"score\" must be a finite number, found " + score);
        }
        return score;
    }

    /**
     * Decodes an RLE (null for polygons) and rejects what pycocotools cannot take: a bad string, counts that
     * are negative or do not add up to h*w, a polygon list whose first part has 4 numbers or fewer.
     */
    private static Rle checkSegmentation(JsonCursor c, String key, Segmentation segm) {
        try {
            if (segm instanceof Segmentation.Polygons p) {
                if (p.parts().isEmpty()) {
                    throw c.problem("\"" + key + "\" is an empty polygon list");
                }
                int first = p.parts().get(0).length;
                if (first <= 4) {
                    throw c.problem("\"" + key + "\" polygon 0 has " + first
                            + " numbers; pycocotools needs more than 4 (at least 3 points)");
                }
                return null;
            }
            return segm.toRle(0, 0);
        } catch (IllegalArgumentException e) {
            throw c.problem("\"" + key + "\" is not a valid "
                    + (segm instanceof Segmentation.CompressedRle ? "compressed RLE" : "RLE") + ": " + e.getMessage());
        }
    }

    public static LvisResults read(InputStream in, String name) throws IOException {
        return readArray(in, name, (c, out) -> detection(c, out, false));
    }
}

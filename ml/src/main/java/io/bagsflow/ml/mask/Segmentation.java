package io.bagsflow.ml.mask;

import java.util.List;

/**
 * An LVIS/COCO {@code "segmentation"} value as the file gives it, before any check beyond JSON types: a
 * polygon list, a compressed RLE or an uncompressed RLE. Kept raw so that dataset validation can name every
 * defect (odd coordinate counts, sizes that do not match the image), while {@link #toRle} turns it into the
 * mask lvis-api evaluates.
 */
public sealed interface Segmentation {

    /**
     * The mask as lvis-api's {@code LVIS.ann_to_rle} makes it: polygons rasterised at the image's size and
     * merged; an RLE taken with its own size (lvis-api does not compare it with the image).
     *
     * @throws IllegalArgumentException when pycocotools would fail or misbehave on it; the message says why
     */
    Rle toRle(int imageHeight, int imageWidth);

    /** {@code [[x0, y0, x1, y1, ...], ...]}: one array per part, as read. */
    record Polygons(List<double[]> parts) implements Segmentation {
        public Polygons {
            parts = List.copyOf(parts);
        }

        @Override
        public Rle toRle(int imageHeight, int imageWidth) {
            return Rle.fromPolygons(parts, imageHeight, imageWidth);
        }
    }

    /** {@code {"size": [h, w], "counts": "<string>"}}. */
    record CompressedRle(int height, int width, String counts) implements Segmentation {
        @Override
        public Rle toRle(int imageHeight, int imageWidth) {
            return Rle.fromCompressedString(height, width, counts);
        }
    }

    /** {@code {"size": [h, w], "counts": [int, ...]}}. */
    record UncompressedRle(int height, int width, int[] counts) implements Segmentation {
        @Override
        public Rle toRle(int imageHeight, int imageWidth) {
            return Rle.fromCounts(height, width, counts);
        }
    }
}

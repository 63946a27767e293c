package io.bagsflow.ml.lvis;

import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An LVIS results list ({@code [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}]}, optionally with a
 * {@code "segmentation"}) stored column by column in primitive arrays, in file order. LVIS-val scale (20k
 * images x 300 = 6 million detections) takes about 290 MB this way for boxes, where one object per detection
 * would take several times that.
 *
 * <p>Masks, when present, are RLE counts concatenated into one int array (no object per detection); polygon
 * segmentations, which need the image's size to become masks, are kept as given in a side map. A detection may
 * lack a box (then {@link #hasBox} is false and, for an RLE mask, the box columns hold the mask's {@code toBbox},
 * which is what lvis-api fills in) or lack a segmentation ({@link #maskKind} {@link MaskKind#NONE}).
 */
public final class LvisResults {

    /** How a detection's segmentation was given; lvis-api treats the kinds differently (see the eval package). */
    public enum MaskKind {
        /** no segmentation */
        NONE,
        /** {@code {"size", "counts": "<string>"}} */
        COMPRESSED_RLE,
        /** {@code {"size", "counts": [int, ...]}} */
        UNCOMPRESSED_RLE,
        /** {@code [[x, y, ...], ...]} */
        POLYGONS
    }

    private static final MaskKind[] KINDS = MaskKind.values();

    private final int size;
    private final int[] imageIds;
    private final int[] categoryIds;
    /** x, y, w, h of detection i at 4i .. 4i+3 */
    private final double[] boxes;

    private final double[] scores;

    // mask columns; null for box-only results
    private final byte[] kind;
    private final boolean[] boxGiven;
    /** h, w of detection i's RLE at 2i, 2i+1 */
    private final int[] maskSize;
    /** RLE counts of detection i: {@code maskCounts[maskStart[i] .. maskStart[i+1])} */
    private final int[] maskStart;

    private final int[] maskCounts;
    private final Map<Integer, List<double[]>> polygons;

    private LvisResults(Builder b) {
        this.size = b.size;
        this.imageIds = Arrays.copyOf(b.imageIds, size);
        this.categoryIds = Arrays.copyOf(b.categoryIds, size);
        this.boxes = Arrays.copyOf(b.boxes, 4 * size);
        this.scores = Arrays.copyOf(b.scores, size);
        if (b.kind == null) {
            kind = null;
            boxGiven = null;
            maskSize = null;
            maskStart = null;
            maskCounts = null;
            polygons = null;
        } else {
            kind = Arrays.copyOf(b.kind, size);
            boxGiven = Arrays.copyOf(b.boxGiven, size);
            maskSize = Arrays.copyOf(b.maskSize, 2 * size);
            maskStart = Arrays.copyOf(b.maskStart, size + 1);
            maskCounts = Arrays.copyOf(b.maskCounts, b.maskStart[size]);
            polygons = Map.copyOf(b.polygons);
        }
    }

    public int size() {
        return size;
    }

    public int imageId(int i) {
        return imageIds[i];
    }

    public int categoryId(int i) {
        return categoryIds[i];
    }

    public double x(int i) {
        return boxes[4 * i];
    }

    public double y(int i) {
        return boxes[4 * i + 1];
    }

    public double w(int i) {
        return boxes[4 * i + 2];
    }

    public double h(int i) {
        return boxes[4 * i + 3];
    }

    public double score(int i) {
        return scores[i];
    }

    /** Whether any detection was added with a segmentation or without a box (the mask columns exist). */
    public boolean hasMasks() {
        return kind != null;
    }

    /** Whether detection i came with a {@code "bbox"} key. */
    public boolean hasBox(int i) {
        return boxGiven == null || boxGiven[i];
    }

    public MaskKind maskKind(int i) {
        return kind == null ? MaskKind.NONE : KINDS[kind[i]];
    }

    /** Detection i's RLE mask (compressed or uncompressed RLE), with its own size; null for other kinds. */
    public Rle mask(int i) {
        MaskKind k = maskKind(i);
        if (k != MaskKind.COMPRESSED_RLE && k != MaskKind.UNCOMPRESSED_RLE) {
            return null;
        }
        return Rle.fromCounts(maskSize[2 * i], maskSize[2 * i + 1], maskCounts, maskStart[i], maskStart[i + 1]);
    }

    /** The pixel count of detection i's RLE mask ({@code mask_utils.area}); -1 when it has none. */
    public long maskArea(int i) {
        MaskKind k = maskKind(i);
        if (k != MaskKind.COMPRESSED_RLE && k != MaskKind.UNCOMPRESSED_RLE) {
            return -1;
        }
        long a = 0;
        for (int j = maskStart[i] + 1; j < maskStart[i + 1]; j += 2) {
            a += maskCounts[j];
        }
        return a;
    }

    /** Detection i's polygon parts as given; null unless {@link #maskKind} is POLYGONS. */
    public List<double[]> polygons(int i) {
        return polygons == null ? null : polygons.get(i);
    }

    /**
     * Detection i's mask as lvis-api's {@code ann_to_rle} makes it: an RLE as given, polygons rasterised at the
     * image's size, and a detection with a box but no segmentation as its box polygon (what {@code LVISResults}
     * puts in); null when it has neither.
     */
    public Rle maskAt(int i, int imageHeight, int imageWidth) {
        return switch (maskKind(i)) {
            case COMPRESSED_RLE, UNCOMPRESSED_RLE -> mask(i);
            case POLYGONS -> Rle.fromPolygons(polygons.get(i), imageHeight, imageWidth);
            case NONE -> hasBox(i) ? Rle.fromBox(x(i), y(i), w(i), h(i), imageHeight, imageWidth) : null;
        };
    }

    /** Detection i's segmentation in the form it was given (RLEs re-encoded from their counts); null if none. */
    public Segmentation segmentation(int i) {
        return switch (maskKind(i)) {
            case COMPRESSED_RLE -> {
                Rle r = mask(i);
                yield new Segmentation.CompressedRle(r.height(), r.width(), r.toCompressedString());
            }
            case UNCOMPRESSED_RLE ->
                new Segmentation.UncompressedRle(
                        maskSize[2 * i],
                        maskSize[2 * i + 1],
                        Arrays.copyOfRange(maskCounts, maskStart[i], maskStart[i + 1]));
            case POLYGONS -> new Segmentation.Polygons(polygons.get(i));
            case NONE -> null;
        };
    }

    public static Builder builder() {
        return new Builder(1024);
    }

    /** Appends detections in order; {@link #build()} trims the arrays. */
    public static final class Builder {
        private int size;
        private int[] imageIds;
        private int[] categoryIds;
        private double[] boxes;
        private double[] scores;

        // created by the first detection with a mask or without a box
        private byte[] kind;
        private boolean[] boxGiven;
        private int[] maskSize;
        private int[] maskStart;
        private int[] maskCounts;
        private Map<Integer, List<double[]>> polygons;

        private Builder(int capacity) {
            imageIds = new int[capacity];
            categoryIds = new int[capacity];
            boxes = new double[4 * capacity];
            scores = new double[capacity];
        }

        /** A detection with a box and no mask. */
        public Builder add(int imageId, int categoryId, double x, double y, double w, double h, double score) {
            append(imageId, categoryId, x, y, w, h, score);
            if (kind != null) {
                noMask(size - 1, true);
            }
            return this;
        }

        /** A detection with a box and an RLE mask, written as a compressed RLE (what a detector emits). */
        public Builder add(
                int imageId, int categoryId, double x, double y, double w, double h, double score, Rle mask) {
            return add(imageId, categoryId, new double[] {x, y, w, h}, score, mask, MaskKind.COMPRESSED_RLE);
        }

        /**
         * A detection with an optional box ({@code null}: the record has no {@code "bbox"}; the box columns
         * then hold the mask's {@code toBbox}) and an RLE mask that was given as {@code kind}.
         */
        public Builder add(int imageId, int categoryId, double[] box, double score, Rle mask, MaskKind kind) {
            if (kind != MaskKind.COMPRESSED_RLE && kind != MaskKind.UNCOMPRESSED_RLE) {
                throw new IllegalArgumentException("an Rle mask is a compressed or uncompressed RLE, not " + kind);
            }
            double[] b = box != null ? box : mask.toBbox();
            append(imageId, categoryId, b[0], b[1], b[2], b[3], score);
            int i = size - 1;
            startMasks(i);
            this.kind[i] = (byte) kind.ordinal();
            boxGiven[i] = box != null;
            maskSize[2 * i] = mask.height();
            maskSize[2 * i + 1] = mask.width();
            int runs = mask.runs();
            int from = maskStart[i];
            long to = (long) from + runs;
            if (to > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("more than 2^31 RLE counts in one results list");
            }
            if (to > maskCounts.length) {
                maskCounts = Arrays.copyOf(maskCounts, (int)
                        Math.min(Integer.MAX_VALUE - 8, Math.max(to, 2L * maskCounts.length)));
            }
            mask.copyCounts(maskCounts, from);
            maskStart[i + 1] = (int) to;
            return this;
        }

        /** A detection whose segmentation is a polygon list (kept as given), with an optional box. */
        public Builder addPolygons(int imageId, int categoryId, double[] box, double score, List<double[]> parts) {
            double[] b = box != null ? box : new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
            append(imageId, categoryId, b[0], b[1], b[2], b[3], score);
            int i = size - 1;
            startMasks(i);
            kind[i] = (byte) MaskKind.POLYGONS.ordinal();
            boxGiven[i] = box != null;
            maskStart[i + 1] = maskStart[i];
            polygons.put(i, List.copyOf(parts));
            return this;
        }

        private void append(int imageId, int categoryId, double x, double y, double w, double h, double score) {
            if (size == imageIds.length) {
                int cap = imageIds.length * 2;
                imageIds = Arrays.copyOf(imageIds, cap);
                categoryIds = Arrays.copyOf(categoryIds, cap);
                boxes = Arrays.copyOf(boxes, 4 * cap);
                scores = Arrays.copyOf(scores, cap);
                if (kind != null) {
                    growMasks(cap);
                }
            }
            imageIds[size] = imageId;
            categoryIds[size] = categoryId;
            boxes[4 * size] = x;
            boxes[4 * size + 1] = y;
            boxes[4 * size + 2] = w;
            boxes[4 * size + 3] = h;
            scores[size] = score;
            size++;
        }

        /** Creates the mask columns on first use; detections before {@code i} had boxes and no masks. */
        private void startMasks(int i) {
            if (kind != null) {
                return;
            }
            int cap = imageIds.length;
            kind = new byte[cap];
            boxGiven = new boolean[cap];
            maskSize = new int[2 * cap];
            maskStart = new int[cap + 1];
            maskCounts = new int[1024];
            polygons = new HashMap<>();
            for (int j = 0; j < i; j++) {
                noMask(j, true);
            }
        }

        private void noMask(int i, boolean box) {
            kind[i] = (byte) MaskKind.NONE.ordinal();
            boxGiven[i] = box;
            maskStart[i + 1] = maskStart[i];
        }

        private void growMasks(int cap) {
            kind = Arrays.copyOf(kind, cap);
            boxGiven = Arrays.copyOf(boxGiven, cap);
            maskSize = Arrays.copyOf(maskSize, 2 * cap);
            maskStart = Arrays.copyOf(maskStart, cap + 1);
        }

        /** Whether the mask columns exist (some detection so far had a mask or no box). */
        boolean hasMaskColumns() {
            return kind != null;
        }

        /**
         * Makes these mask results even if no detection has a mask yet: a results file read for masks keeps
         * the columns, so the evaluator can tell "no segmentation" from "a box-only list".
         */
        public Builder markMaskResults() {
            startMasks(size);
            return this;
        }

        public int size() {
            return size;
        }

        public LvisResults build() {
            return new LvisResults(this);
        }
    }
}

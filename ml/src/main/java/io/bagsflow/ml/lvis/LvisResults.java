package io.bagsflow.ml.lvis;

import java.util.Arrays;

/**
 * An LVIS results list ({@code [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}]}) stored column by
 * column in primitive arrays, in file order. LVIS-val scale (20k images x 300 = 6 million detections) takes
 * about 290 MB this way, where one object per detection would take several times that.
 */
public final class LvisResults {

    private final int size;
    private final int[] imageIds;
    private final int[] categoryIds;
    /** x, y, w, h of detection i at 4i .. 4i+3 */
    private final double[] boxes;

    private final double[] scores;

    private LvisResults(int size, int[] imageIds, int[] categoryIds, double[] boxes, double[] scores) {
        this.size = size;
        this.imageIds = imageIds;
        this.categoryIds = categoryIds;
        this.boxes = boxes;
        this.scores = scores;
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

        private Builder(int capacity) {
            imageIds = new int[capacity];
            categoryIds = new int[capacity];
            boxes = new double[4 * capacity];
            scores = new double[capacity];
        }

        public Builder add(int imageId, int categoryId, double x, double y, double w, double h, double score) {
            if (size == imageIds.length) {
                int cap = imageIds.length * 2;
                imageIds = Arrays.copyOf(imageIds, cap);
                categoryIds = Arrays.copyOf(categoryIds, cap);
                boxes = Arrays.copyOf(boxes, 4 * cap);
                scores = Arrays.copyOf(scores, cap);
            }
            imageIds[size] = imageId;
            categoryIds[size] = categoryId;
            boxes[4 * size] = x;
            boxes[4 * size + 1] = y;
            boxes[4 * size + 2] = w;
            boxes[4 * size + 3] = h;
            scores[size] = score;
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        public LvisResults build() {
            return new LvisResults(
                    size,
                    Arrays.copyOf(imageIds, size),
                    Arrays.copyOf(categoryIds, size),
                    Arrays.copyOf(boxes, 4 * size),
                    Arrays.copyOf(scores, size));
        }
    }
}

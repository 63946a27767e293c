package io.bagsflow.ml.detector.data;

/**
 * Images of one step: CHW float pixels of all images back to back, and each image's ground truth at the
 * input size (mirrored with the image when flipped).
 */
public record Batch(int[] indices, boolean[] flips, float[] pixels, float[][] boxes, int[][] labels, int size) {

    public static Batch of(ImageStore images, int[] indices, boolean[] flips) {
        int s = images.size();
        int n = indices.length;
        float[] pixels = new float[n * 3 * s * s];
        float[][] boxes = new float[n][];
        int[][] labels = new int[n][];
        for (int k = 0; k < n; k++) {
            images.writeTensor(indices[k], flips[k], pixels, k * 3 * s * s);
            boxes[k] = images.boxes(indices[k], flips[k]);
            labels[k] = images.labels(indices[k]);
        }
        return new Batch(indices, flips, pixels, boxes, labels, s);
    }

    public int count() {
        return indices.length;
    }
}

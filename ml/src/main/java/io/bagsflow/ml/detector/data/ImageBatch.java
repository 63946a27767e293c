package io.bagsflow.ml.detector.data;

/**
 * Images of one step: CHW float pixels of all images back to back, and each image's ground truth at the
 * input size (mirrored with the image when flipped). Not DJL's {@code ai.djl.training.dataset.Batch}: pixels stay
 * in a Java array until the step makes its NDArrays. {@code polygons[k][j]} are the polygons of image k's box j
 * (null where it has none), for mask targets.
 */
public record ImageBatch(
        int[] indices,
        boolean[] flips,
        float[] pixels,
        float[][] boxes,
        int[][] labels,
        float[][][][] polygons,
        int size) {

    public static ImageBatch of(ImageStore images, int[] indices, boolean[] flips) {
        int s = images.size();
        int n = indices.length;
        float[] pixels = new float[n * 3 * s * s];
        float[][] boxes = new float[n][];
        int[][] labels = new int[n][];
        float[][][][] polygons = new float[n][][][];
        for (int k = 0; k < n; k++) {
            images.writeTensor(indices[k], flips[k], pixels, k * 3 * s * s);
            boxes[k] = images.boxes(indices[k], flips[k]);
            labels[k] = images.labels(indices[k]);
            polygons[k] = images.polygons(indices[k], flips[k]);
        }
        return new ImageBatch(indices, flips, pixels, boxes, labels, polygons, s);
    }

    public int count() {
        return indices.length;
    }
}

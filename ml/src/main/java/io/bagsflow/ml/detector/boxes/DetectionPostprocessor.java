package io.bagsflow.ml.detector.boxes;

import java.util.Arrays;

/**
 * The reference's {@code multiclass_nms} for one image: each RoI's box decoded with the deltas of every
 * class, candidates scoring above the threshold, NMS per class, then the best {@code maxDetections} overall.
 * Ties in score keep class order, then RoI order, so identical inputs give identical detections.
 */
public final class DetectionPostprocessor {

    private final BoxCoder coder;
    private final float scoreThreshold;
    private final float nmsIou;
    private final int maxDetections;

    public DetectionPostprocessor(float[] targetStds, double scoreThreshold, double nmsIou, int maxDetections) {
        this.coder = new BoxCoder(targetStds);
        this.scoreThreshold = (float) scoreThreshold;
        this.nmsIou = (float) nmsIou;
        this.maxDetections = maxDetections;
    }

    /** Detections of one image, best first: label (1..C), score and box (x1, y1, x2, y2) at the input size. */
    public record Detections(int[] labels, float[] scores, float[] boxes) {

        public int size() {
            return labels.length;
        }
    }

    /**
     * @param rois   the image's n RoIs, packed boxes
     * @param probs  class probabilities of all RoIs of the batch, (C+1) per RoI, background first
     * @param deltas class-specific deltas of all RoIs of the batch, 4C per RoI
     * @param first  index of this image's first RoI in {@code probs} and {@code deltas}
     */
    public Detections process(
            float[] rois, int n, float[] probs, float[] deltas, int first, int numClasses, float width, float height) {
        int c1 = numClasses + 1;
        int cap = n * numClasses;
        int[] labels = new int[cap];
        float[] scores = new float[cap];
        float[] boxes = new float[4 * cap];
        int count = 0;
        float[] classBoxes = new float[4 * n];
        float[] classScores = new float[n];
        int[] classRoi = new int[n];
        for (int c = 1; c <= numClasses; c++) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                float s = probs[(first + i) * c1 + c];
                if (s > scoreThreshold) {
                    coder.decode(
                            rois, i, deltas, (first + i) * 4 * numClasses + 4 * (c - 1), width, height, classBoxes, m);
                    classScores[m] = s;
                    classRoi[m] = i;
                    m++;
                }
            }
            if (m == 0) {
                continue;
            }
            int[] kept = Nms.suppress(classBoxes, Nms.argsortDescending(classScores, m), nmsIou, m);
            for (int k : kept) {
                labels[count] = c;
                scores[count] = classScores[k];
                System.arraycopy(classBoxes, 4 * k, boxes, 4 * count, 4);
                count++;
            }
        }
        int[] order = Nms.argsortDescending(Arrays.copyOf(scores, count), count);
        int keep = Math.min(count, maxDetections);
        int[] outLabels = new int[keep];
        float[] outScores = new float[keep];
        float[] outBoxes = new float[4 * keep];
        for (int j = 0; j < keep; j++) {
            outLabels[j] = labels[order[j]];
            outScores[j] = scores[order[j]];
            System.arraycopy(boxes, 4 * order[j], outBoxes, 4 * j, 4);
        }
        return new Detections(outLabels, outScores, outBoxes);
    }
}

package io.bagsflow.ml.detector.train;

import io.bagsflow.ml.detector.boxes.BoxCoder;
import io.bagsflow.ml.detector.boxes.Boxes;
import java.util.Arrays;

/**
 * RPN training targets of one image, as the reference's MaxIoUAssigner and RandomSampler: anchors with IoU at
 * least {@code positiveIou} with a ground-truth box are positive, below {@code negativeIou} negative; each
 * ground-truth box also claims the anchors of its highest IoU (if at least {@code minPositiveIou}). Up to
 * {@code samples * positiveFraction} positives and the rest negatives are drawn at random.
 */
public final class AnchorTargets {

    private static final BoxCoder RPN_CODER = new BoxCoder(new float[] {1f, 1f, 1f, 1f});

    private final float[] anchors;
    private final int n;
    private final int samples;
    private final double positiveFraction;
    private final float positiveIou;
    private final float negativeIou;
    private final float minPositiveIou;

    public AnchorTargets(
            float[] anchors,
            int samples,
            double positiveFraction,
            double positiveIou,
            double negativeIou,
            double minPositiveIou) {
        this.anchors = anchors;
        this.n = anchors.length / 4;
        this.samples = samples;
        this.positiveFraction = positiveFraction;
        this.positiveIou = (float) positiveIou;
        this.negativeIou = (float) negativeIou;
        this.minPositiveIou = (float) minPositiveIou;
    }

    /**
     * Writes image {@code b}'s targets into the batch arrays at anchor offset {@code b * n}: label (1/0),
     * weight (1 where sampled), deltas and delta weights (1 for sampled positives).
     *
     * @return the number of sampled anchors
     */
    public int assign(
            float[] gt,
            int numGt,
            Rng rng,
            int b,
            float[] labels,
            float[] weights,
            float[] deltas,
            float[] deltaWeights) {
        int[] assigned = new int[n]; // -1 ignore, 0 negative, j+1 ground truth j
        Arrays.fill(assigned, -1);
        float[] iou = Boxes.iouMatrix(anchors, n, gt, numGt);
        float[] gtMax = new float[numGt];
        for (int i = 0; i < n; i++) {
            float best = 0f;
            int arg = -1;
            for (int j = 0; j < numGt; j++) {
                float v = iou[i * numGt + j];
                if (v > best || arg < 0) {
                    best = v;
                    arg = j;
                }
                gtMax[j] = Math.max(gtMax[j], v);
            }
            if (best < negativeIou) {
                assigned[i] = 0;
            }
            if (arg >= 0 && best >= positiveIou) {
                assigned[i] = arg + 1;
            }
        }
        for (int j = 0; j < numGt; j++) {
            if (gtMax[j] >= minPositiveIou) {
                for (int i = 0; i < n; i++) {
                    if (iou[i * numGt + j] == gtMax[j]) {
                        assigned[i] = j + 1;
                    }
                }
            }
        }
        int[] pos = new int[n];
        int[] neg = new int[n];
        int np = 0;
        int nn = 0;
        for (int i = 0; i < n; i++) {
            if (assigned[i] > 0) {
                pos[np++] = i;
            } else if (assigned[i] == 0) {
                neg[nn++] = i;
            }
        }
        int[] chosenPos = rng.sample(Arrays.copyOf(pos, np), (int) (samples * positiveFraction));
        int[] chosenNeg = rng.sample(Arrays.copyOf(neg, nn), samples - chosenPos.length);
        int off = b * n;
        for (int i : chosenPos) {
            labels[off + i] = 1f;
            weights[off + i] = 1f;
            RPN_CODER.encode(anchors, i, gt, assigned[i] - 1, deltas, 4 * (off + i));
            for (int d = 0; d < 4; d++) {
                deltaWeights[4 * (off + i) + d] = 1f;
            }
        }
        for (int i : chosenNeg) {
            weights[off + i] = 1f;
        }
        return chosenPos.length + chosenNeg.length;
    }
}

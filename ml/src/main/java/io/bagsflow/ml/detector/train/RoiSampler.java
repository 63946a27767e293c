package io.bagsflow.ml.detector.train;

import io.bagsflow.ml.detector.boxes.BoxCoder;
import io.bagsflow.ml.detector.boxes.Boxes;
import java.util.Arrays;

/**
 * Second-stage training RoIs of one image, as the reference: the ground-truth boxes are added to the
 * proposals, RoIs with IoU at least {@code positiveIou} take their best box's class, the others are
 * background; up to {@code perImage * positiveFraction} positives and the rest negatives are drawn at random.
 */
public final class RoiSampler {

    /** The reference's second-stage target standard deviations. */
    public static final float[] TARGET_STDS = {0.1f, 0.1f, 0.2f, 0.2f};

    private static final BoxCoder CODER = new BoxCoder(TARGET_STDS);

    private final int perImage;
    private final double positiveFraction;
    private final float positiveIou;

    public RoiSampler(int perImage, double positiveFraction, double positiveIou) {
        this.perImage = perImage;
        this.positiveFraction = positiveFraction;
        this.positiveIou = (float) positiveIou;
    }

    public int perImage() {
        return perImage;
    }

    /**
     * The candidate RoIs of one image, ground truth first and then the proposals, with their labels (0 for
     * background) and best-matching ground-truth box.
     */
    public record Candidates(float[] boxes, int[] labels, int[] bestGt) {

        public int count() {
            return labels.length;
        }
    }

    public Candidates assign(float[] proposals, float[] gt, int[] gtLabels) {
        int numGt = gtLabels.length;
        int np = proposals.length / 4;
        int total = numGt + np;
        float[] all = new float[4 * total];
        System.arraycopy(gt, 0, all, 0, 4 * numGt);
        System.arraycopy(proposals, 0, all, 4 * numGt, 4 * np);
        float[] iou = Boxes.iouMatrix(all, total, gt, numGt);
        int[] labels = new int[total];
        int[] best = new int[total];
        for (int i = 0; i < total; i++) {
            float max = 0f;
            best[i] = -1;
            for (int j = 0; j < numGt; j++) {
                if (iou[i * numGt + j] > max || best[i] < 0) {
                    max = iou[i * numGt + j];
                    best[i] = j;
                }
            }
            labels[i] = best[i] >= 0 && max >= positiveIou ? gtLabels[best[i]] : 0;
        }
        return new Candidates(all, labels, best);
    }

    /**
     * Draws up to {@code perImage * positiveFraction} of the candidates with a positive label and fills up to
     * {@code perImage} with background ones.
     *
     * @return indices into {@code labels}: the chosen positives, then the chosen negatives
     */
    public int[] choose(int[] labels, Rng rng) {
        int[][] split = split(labels);
        int[] chosenPos = rng.sample(split[0], (int) (perImage * positiveFraction));
        return concat(chosenPos, rng.sample(split[1], perImage - chosenPos.length));
    }

    /**
     * What a feature cache keeps of an image's candidates: every positive and up to {@code maxNegatives}
     * background ones drawn at random. Returns indices into {@code labels}, positives first.
     */
    public int[] pool(int[] labels, Rng rng, int maxNegatives) {
        int[][] split = split(labels);
        return concat(split[0], rng.sample(split[1], maxNegatives));
    }

    /** Indices of positive and of background labels. */
    private static int[][] split(int[] labels) {
        int[] pos = new int[labels.length];
        int[] neg = new int[labels.length];
        int np = 0;
        int nn = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 0) {
                pos[np++] = i;
            } else {
                neg[nn++] = i;
            }
        }
        return new int[][] {Arrays.copyOf(pos, np), Arrays.copyOf(neg, nn)};
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Samples image b's RoIs into slots {@code b * perImage ..} of the batch arrays: boxes (4 each), labels,
     * valid flags and regression targets (4 each, meaningful for positives). Unfilled slots are invalid.
     */
    public void sample(
            float[] proposals,
            float[] gt,
            int[] gtLabels,
            Rng rng,
            int b,
            float[] boxes,
            int[] labels,
            boolean[] valid,
            float[] targets) {
        Candidates c = assign(proposals, gt, gtLabels);
        int slot = b * perImage;
        for (int i : choose(c.labels(), rng)) {
            System.arraycopy(c.boxes(), 4 * i, boxes, 4 * slot, 4);
            labels[slot] = c.labels()[i];
            valid[slot] = true;
            if (c.labels()[i] > 0) {
                CODER.encode(c.boxes(), i, gt, c.bestGt()[i], targets, 4 * slot);
            }
            slot++;
        }
        for (; slot < (b + 1) * perImage; slot++) {
            labels[slot] = 0;
            valid[slot] = false;
        }
    }
}

package io.bagsflow.ml.detector.boxes;

import java.util.Arrays;

/**
 * RPN proposals of one image: the top {@code preNms} anchors by objectness, decoded and clipped, boxes with no
 * area dropped, NMS, at most {@code postNms} kept in score order.
 */
public final class ProposalGenerator {

    private static final BoxCoder RPN_CODER = new BoxCoder(new float[] {1f, 1f, 1f, 1f});

    private final float[] anchors;
    private final int preNms;
    private final int postNms;
    private final float nmsIou;

    public ProposalGenerator(float[] anchors, int preNms, int postNms, double nmsIou) {
        this.anchors = anchors;
        this.preNms = preNms;
        this.postNms = postNms;
        this.nmsIou = (float) nmsIou;
    }

    /**
     * @param objectness logits of all images, image b's anchors at {@code b * n ..}
     * @param deltas     deltas of all images, 4 per anchor
     * @return proposal boxes of image b, packed, best first
     */
    public float[] proposals(float[] objectness, float[] deltas, int b, float width, float height) {
        int n = anchors.length / 4;
        float[] scores = Arrays.copyOfRange(objectness, b * n, (b + 1) * n);
        int[] order = Nms.argsortDescending(scores, n);
        int k = Math.min(preNms, n);
        float[] boxes = new float[4 * k];
        int[] candidates = new int[k];
        int count = 0;
        for (int a = 0; a < k; a++) {
            int i = order[a];
            RPN_CODER.decode(anchors, i, deltas, 4 * (b * n + i), width, height, boxes, count);
            if (boxes[4 * count + 2] > boxes[4 * count] && boxes[4 * count + 3] > boxes[4 * count + 1]) {
                candidates[count] = count;
                count++;
            }
        }
        int[] kept = Nms.suppress(boxes, Arrays.copyOf(candidates, count), nmsIou, postNms);
        float[] out = new float[4 * kept.length];
        for (int j = 0; j < kept.length; j++) {
            System.arraycopy(boxes, 4 * kept[j], out, 4 * j, 4);
        }
        return out;
    }
}

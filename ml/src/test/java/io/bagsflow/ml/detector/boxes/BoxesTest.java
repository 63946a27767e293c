package io.bagsflow.ml.detector.boxes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BoxesTest {

    @Test
    void iouOfTwoOverlappingSquares() {
        float[] a = {0, 0, 10, 10};
        float[] b = {5, 0, 15, 10};
        // intersection 50, union 150
        assertEquals(1f / 3f, Boxes.iou(a, 0, b, 0), 1e-7);
        assertEquals(0f, Boxes.iou(a, 0, new float[] {10, 0, 20, 10}, 0));
    }

    @Test
    void decodingInvertsEncoding() {
        BoxCoder coder = new BoxCoder(new float[] {0.1f, 0.1f, 0.2f, 0.2f});
        float[] ref = {10, 20, 30, 50};
        float[] target = {12, 18, 40, 47};
        float[] deltas = new float[4];
        coder.encode(ref, 0, target, 0, deltas, 0);
        // dx = (26 - 20) / 20 / 0.1, dw = log(28 / 20) / 0.2
        assertEquals(3.0f, deltas[0], 1e-5);
        assertEquals((float) (Math.log(28.0 / 20) / 0.2), deltas[2], 1e-5);
        float[] back = new float[4];
        coder.decode(ref, 0, deltas, 0, 100, 100, back, 0);
        assertArrayEquals(target, back, 1e-4f);
    }

    @Test
    void decodedBoxesAreClippedToTheImage() {
        BoxCoder coder = new BoxCoder(new float[] {1, 1, 1, 1});
        float[] out = new float[4];
        coder.decode(new float[] {50, 50, 90, 90}, 0, new float[] {1f, 0, 0, 0}, 0, 96, 96, out, 0);
        assertArrayEquals(new float[] {90, 50, 96, 90}, out, 1e-5f);
    }

    @Test
    void sortKeepsIndexOrderAmongEqualScores() {
        float[] scores = {0.5f, 0.9f, 0.5f, 0.9f, 0.1f};
        assertArrayEquals(new int[] {1, 3, 0, 2, 4}, Nms.argsortDescending(scores, 5));
    }

    @Test
    void nmsKeepsTheFirstOfIdenticalBoxesAndSparesDistantOnes() {
        float[] boxes = {0, 0, 10, 10, 0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60};
        float[] scores = {0.8f, 0.8f, 0.7f, 0.6f};
        int[] kept = Nms.suppress(boxes, Nms.argsortDescending(scores, 4), 0.5f, 10);
        assertArrayEquals(new int[] {0, 3}, kept);
        assertArrayEquals(new int[] {0}, Nms.suppress(boxes, Nms.argsortDescending(scores, 4), 0.5f, 1));
    }

    @Test
    void nmsMatchesTheGreedyDefinitionOnManyOverlappingBoxes() {
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 300;
            float[] boxes = new float[4 * n];
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                float x = random.nextFloat() * 80;
                float y = random.nextFloat() * 80;
                boxes[4 * i] = x;
                boxes[4 * i + 1] = y;
                boxes[4 * i + 2] = x + 4 + random.nextFloat() * 30;
                boxes[4 * i + 3] = y + 4 + random.nextFloat() * 30;
                scores[i] = random.nextFloat();
            }
            int[] order = Nms.argsortDescending(scores, n);
            assertArrayEquals(greedy(boxes, order, 0.5f, 64), Nms.suppress(boxes, order, 0.5f, 64));
        }
    }

    /** NMS as defined: walk in score order, keep a box unless it overlaps a kept one by more than the threshold. */
    private static int[] greedy(float[] boxes, int[] order, float threshold, int maxKeep) {
        java.util.List<Integer> kept = new java.util.ArrayList<>();
        for (int i : order) {
            boolean suppressed = false;
            for (int k : kept) {
                suppressed |= Boxes.iou(boxes, k, boxes, i) > threshold;
            }
            if (!suppressed && kept.size() < maxKeep) {
                kept.add(i);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void anchorsAreCentredOnCells() {
        float[] a = Anchors.grid(2, 2, 8, new float[] {16}, new float[] {1f, 4f});
        assertEquals(2 * 2 * 2 * 4, a.length);
        assertArrayEquals(new float[] {-4, -4, 12, 12}, Arrays.copyOfRange(a, 0, 4), 1e-5f);
        // ratio 4 (h/w): w = 8, h = 32
        assertArrayEquals(new float[] {0, -12, 8, 20}, Arrays.copyOfRange(a, 4, 8), 1e-5f);
        // cell (y=0, x=1) comes next
        assertArrayEquals(new float[] {4, -4, 20, 12}, Arrays.copyOfRange(a, 8, 12), 1e-5f);
    }

    @Test
    void postprocessingKeepsTheBestPerClassAfterNms() {
        DetectionPostprocessor post = new DetectionPostprocessor(new float[] {0.1f, 0.1f, 0.2f, 0.2f}, 0.05, 0.5, 3);
        float[] rois = {0, 0, 10, 10, 1, 0, 11, 10, 40, 40, 60, 60};
        // 3 RoIs x (background + 2 classes)
        float[] probs = {
            0.1f, 0.8f, 0.1f,
            0.2f, 0.7f, 0.1f,
            0.5f, 0.02f, 0.48f
        };
        float[] deltas = new float[3 * 4 * 2];
        DetectionPostprocessor.Detections d = post.process(rois, 3, probs, deltas, 0, 2, 64, 64);
        // class 1: RoI 0 (0.8) suppresses RoI 1; RoI 2 scores below 0.05. Class 2: all three above 0.05,
        // RoI 1 suppressed by RoI 0; then the best 3 overall.
        assertArrayEquals(new int[] {1, 2, 2}, d.labels());
        assertArrayEquals(new float[] {0.8f, 0.48f, 0.1f}, d.scores());
        assertArrayEquals(new float[] {0, 0, 10, 10, 40, 40, 60, 60, 0, 0, 10, 10}, d.boxes(), 1e-4f);
    }
}

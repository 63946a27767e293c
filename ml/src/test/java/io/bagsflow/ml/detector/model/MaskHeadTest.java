package io.bagsflow.ml.detector.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.DetectorConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskHeadTest {

    private static final DetectorConfig TINY = DetectorConfig.preset("tiny");

    @Test
    void theHeadTurnsPooledRoisIntoOneTwentyEightSquaredMapEach() {
        try (NDManager m = NDManager.newBaseManager();
                Detector d = Detector.create(TINY.with("masks", true), List.of(1, 2, 3), m)) {
            MaskHead head = d.maskHead();
            int channels = d.backbone().outChannels();
            int f = d.featureSize();
            NDArray features = m.randomNormal(new Shape(1, channels, f, f));
            float[] boxes = {4, 4, 30, 40, 10, 12, 60, 50, 0, 0, 64, 64};
            NDArray logits = head.logitsOfBoxes(m, d.params(), features, boxes, 3);
            assertEquals(new Shape(3, MaskHead.SIZE * MaskHead.SIZE), logits.getShape());
            // the last layer starts near zero: every pixel starts near probability one half
            float[] v = logits.toFloatArray();
            for (float x : v) {
                assertTrue(Math.abs(x) < 0.5, "initial logit " + x);
            }
            assertEquals(
                    List.of(
                            "mask.conv1.b",
                            "mask.conv1.w",
                            "mask.conv2.b",
                            "mask.conv2.w",
                            "mask.logits.b",
                            "mask.logits.w",
                            "mask.up.b",
                            "mask.up.w"),
                    d.params().names().stream()
                            .filter(n -> n.startsWith("mask."))
                            .sorted()
                            .toList());
        }
    }

    @Test
    void withoutMasksTheDetectorIsUnchangedAndWithThemOnlyMaskWeightsAreAdded() {
        try (NDManager m = NDManager.newBaseManager();
                Detector plain = Detector.create(TINY, List.of(1, 2, 3), m);
                Detector masked = Detector.create(TINY.with("masks", true), List.of(1, 2, 3), m)) {
            assertEquals(null, plain.maskHead());
            assertTrue(plain.params().names().stream().noneMatch(n -> n.startsWith("mask.")));
            for (String name : plain.params().names()) {
                assertArrayEquals(
                        plain.params().get(name).toFloatArray(),
                        masked.params().get(name).toFloatArray(),
                        name);
            }
        }
    }

    @Test
    void aTargetIsThePolygonCroppedToTheRoiAndResized() {
        // a triangle with its apex at the top centre of the box, base along the bottom
        float[][] triangle = {{20, 10, 30, 30, 10, 30}};
        float[] box = {10, 10, 30, 30};
        float[] t = new float[MaskHead.SIZE * MaskHead.SIZE];
        MaskHead.target(box, 0, triangle, t, 0);
        int s = MaskHead.SIZE;
        // bottom row full, top row only the centre, and about half of all cells
        float bottom = 0;
        float top = 0;
        float all = 0;
        for (int j = 0; j < s; j++) {
            bottom += t[(s - 1) * s + j];
            top += t[j];
        }
        for (float v : t) {
            all += v;
        }
        assertEquals(s, bottom, 1);
        assertTrue(top <= 2, "top row " + top);
        assertEquals(0.5, all / (s * s), 0.03);
        // a RoI on the right half sees the triangle's right half: its left column is inside lower down
        float[] right = {20, 10, 30, 30};
        MaskHead.target(right, 0, triangle, t, 0);
        assertEquals(1f, t[(s - 1) * s]);
        assertEquals(0f, t[s - 1]);
    }

    @Test
    void pastingStretchesTheMapOverTheBoxAndThresholdsAtOneHalf() {
        int s = MaskHead.SIZE;
        float[] probs = new float[s * s];
        // the left half of the map is certain, the right half is not
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s / 2; j++) {
                probs[i * s + j] = 0.9f;
            }
        }
        boolean[] mask = MaskHead.paste(probs, 0, 10, 5, 20, 10, 30, 40);
        int count = 0;
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                if (mask[y * 40 + x]) {
                    count++;
                    assertTrue(x >= 10 && x < 20 && y >= 5 && y < 15, "pixel " + x + "," + y);
                }
            }
        }
        assertEquals(10 * 10, count);
        assertFalse(mask[5 * 40 + 20]);
        // a box hanging over the image's edge is clipped
        boolean[] clipped = MaskHead.paste(probs, 0, -5, -5, 20, 20, 30, 40);
        assertTrue(clipped[0]);
        assertTrue(clipped[4]);
        assertFalse(clipped[5]);
        assertFalse(clipped[15 * 40]);
    }
}

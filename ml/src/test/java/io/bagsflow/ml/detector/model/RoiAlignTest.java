package io.bagsflow.ml.detector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RoiAlignTest {

    /**
     * Bilinear interpolation reproduces a linear function exactly, so every bin of RoIAlign over
     * f(c, y, x) = 2x + 3y + 10c equals f at the bin centre, in feature coordinates with aligned=True
     * (input pixel p maps to p / stride - 0.5).
     */
    @Test
    void poolsALinearFeatureMapToItsValuesAtBinCentres() {
        int h = 6;
        int w = 6;
        int c = 2;
        float[] f = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    f[(ch * h + y) * w + x] = 2 * x + 3 * y + 10 * ch;
                }
            }
        }
        RoiAlign align = new RoiAlign(3, 2, 4);
        // x spans 4/4 - 0.5 = 0.5 .. 16/4 - 0.5 = 3.5; y spans 1.0 .. 4.5
        float[] box = {4, 6, 16, 20};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray features = m.create(f, new Shape(1, c, h, w));
            RoiAlign.Matrices mats = align.matrices(box, new boolean[] {true}, 1, 1, h, w);
            float[] out = align.apply(m, features, mats).toFloatArray();
            assertEquals(3 * 3 * c, out.length);
            for (int i = 0; i < 3; i++) {
                double cy = 1.0 + (i + 0.5) * 3.5 / 3;
                for (int j = 0; j < 3; j++) {
                    double cx = 0.5 + (j + 0.5) * 1.0;
                    for (int ch = 0; ch < c; ch++) {
                        assertEquals(2 * cx + 3 * cy + 10 * ch, out[(i * 3 + j) * c + ch], 1e-4);
                    }
                }
            }
        }
    }

    @Test
    void samplesBeyondOneCellOutsideTheMapContributeNothing() {
        RoiAlign align = new RoiAlign(2, 2, 8);
        float[] row = new float[2 * 4];
        // the RoI spans -4 .. -2 in feature coordinates: every sample lies left of -1
        align.axisWeights(-4f, -2f, 4, row);
        assertEquals(0f, sum(row));
        // a RoI over [0, 1]: each bin averages two samples, weights of a bin sum to 1
        align.axisWeights(0f, 1f, 4, row);
        assertEquals(1f, sum(Arrays.copyOfRange(row, 0, 4)), 1e-6);
        assertEquals(1f, sum(Arrays.copyOfRange(row, 4, 8)), 1e-6);
        // bin 0 samples at 0.125 and 0.375: weights 0.75 at cell 0, 0.25 at cell 1
        assertEquals(0.75f, row[0], 1e-6);
        assertEquals(0.25f, row[1], 1e-6);
    }

    @Test
    void weightsBuiltOnTheDeviceEqualThoseBuiltInJava() {
        RoiAlign align = new RoiAlign(3, 2, 8);
        float[] boxes = {3, 5, 40, 30, -6, 10, 20, 70, 0, 0, 64, 64};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray features = m.randomNormal(new Shape(1, 4, 8, 8));
            RoiAlign.Matrices mats = align.matrices(boxes, new boolean[] {true, true, true}, 1, 3, 8, 8);
            float[] java = align.apply(m, features, mats, false).toFloatArray();
            float[] device = align.apply(m, features, mats, true).toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(java, device, 1e-6f);
        }
    }

    @Test
    void paddingRoisPoolToZero() {
        RoiAlign align = new RoiAlign(2, 2, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray features = m.ones(new Shape(1, 3, 4, 4));
            RoiAlign.Matrices mats =
                    align.matrices(new float[] {0, 0, 8, 8, 0, 0, 8, 8}, new boolean[] {true, false}, 1, 2, 4, 4);
            float[] out = align.apply(m, features, mats).toFloatArray();
            assertEquals(1f, out[0], 1e-6);
            assertEquals(0f, out[2 * 2 * 3], 0f);
        }
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }
}

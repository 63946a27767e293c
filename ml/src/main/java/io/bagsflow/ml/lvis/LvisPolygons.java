package io.bagsflow.ml.lvis;

import java.util.Arrays;

/**
 * An annotation's {@code segmentation} given as polygons, LVIS's ground-truth form: each polygon a flat list
 * {@code x1, y1, x2, y2, ...} in image pixels. Values compare by content, so datasets read back equal the ones
 * written.
 */
public final class LvisPolygons {

    private final double[][] polygons;

    private LvisPolygons(double[][] polygons) {
        this.polygons = polygons;
    }

    /** Polygons as given (copied): each an even-length list of coordinates. */
    public static LvisPolygons of(double[]... polygons) {
        double[][] copy = new double[polygons.length][];
        for (int i = 0; i < polygons.length; i++) {
            copy[i] = polygons[i].clone();
        }
        return new LvisPolygons(copy);
    }

    public int count() {
        return polygons.length;
    }

    /** Polygon i's coordinates (a copy). */
    public double[] polygon(int i) {
        return polygons[i].clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LvisPolygons p && Arrays.deepEquals(polygons, p.polygons);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(polygons);
    }

    @Override
    public String toString() {
        return "LvisPolygons" + Arrays.deepToString(polygons);
    }
}

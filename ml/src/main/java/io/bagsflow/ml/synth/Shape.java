package io.bagsflow.ml.synth;

import java.awt.Polygon;
import java.awt.Rectangle;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.util.Locale;

/** The outline shared by a family of look-alike classes; it fills its box exactly. */
enum Shape {
    RECT(1.0),
    ELLIPSE(Math.PI / 4),
    TRIANGLE(0.5),
    DIAMOND(0.5),
    CROSS(5.0 / 9);

    /** Shape area over box area: the annotation's {@code area}, which LVIS takes from the mask. */
    final double areaFraction;

    Shape(double areaFraction) {
        this.areaFraction = areaFraction;
    }

    java.awt.Shape outline(int x, int y, int w, int h) {
        return switch (this) {
            case RECT -> new Rectangle(x, y, w, h);
            case ELLIPSE -> new Ellipse2D.Double(x, y, w, h);
            case TRIANGLE -> new Polygon(new int[] {x + w / 2, x + w, x}, new int[] {y, y + h, y + h}, 3);
            case DIAMOND ->
                new Polygon(new int[] {x + w / 2, x + w, x + w / 2, x}, new int[] {y, y + h / 2, y + h, y + h / 2}, 4);
            case CROSS -> {
                Area a = new Area(new Rectangle(x, y + h / 3, w, h - 2 * (h / 3)));
                a.add(new Area(new Rectangle(x + w / 3, y, w - 2 * (w / 3), h)));
                yield a;
            }
        };
    }

    /** Vertices of the ellipse's polygon: within a tenth of a pixel of the curve for the objects drawn here. */
    static final int ELLIPSE_VERTICES = 64;

    /**
     * The outline as one polygon {@code x1, y1, x2, y2, ...} in pixels (LVIS's segmentation form), the same
     * integer arithmetic as {@link #outline}, so the rasterised polygon is the drawn shape: exactly for the
     * straight-edged shapes, within the curve's chords for the ellipse.
     */
    double[] polygon(int x, int y, int w, int h) {
        return switch (this) {
            case RECT -> new double[] {x, y, x + w, y, x + w, y + h, x, y + h};
            case ELLIPSE -> {
                double[] p = new double[2 * ELLIPSE_VERTICES];
                for (int i = 0; i < ELLIPSE_VERTICES; i++) {
                    double t = 2 * Math.PI * i / ELLIPSE_VERTICES;
                    p[2 * i] = round2(x + w / 2.0 + w / 2.0 * Math.cos(t));
                    p[2 * i + 1] = round2(y + h / 2.0 + h / 2.0 * Math.sin(t));
                }
                yield p;
            }
            case TRIANGLE -> new double[] {x + w / 2, y, x + w, y + h, x, y + h};
            case DIAMOND -> new double[] {x + w / 2, y, x + w, y + h / 2, x + w / 2, y + h, x, y + h / 2};
            case CROSS -> {
                int a = h / 3;
                int b = w / 3;
                yield new double[] {
                    x + b, y, x + w - b, y, x + w - b, y + a, x + w, y + a, x + w, y + h - a, x + w - b, y + h - a,
                    x + w - b, y + h, x + b, y + h, x + b, y + h - a, x, y + h - a, x, y + a, x + b, y + a
                };
            }
        };
    }

    /** Two decimals keep the annotation file small and still place every vertex well inside its pixel. */
    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

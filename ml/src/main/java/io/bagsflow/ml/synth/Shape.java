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

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.bagsflow.ml.synth;

import java.awt.Color;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.TexturePaint;
import java.awt.image.BufferedImage;
import java.util.Locale;

/** The surface shared by a family: plain colour, or colour with dark diagonal stripes or dots. */
enum Texture {
    SOLID,
    STRIPED,
    DOTTED;

    /** Period of the stripe and dot patterns in pixels; dark parts are 0.2 of the colour. */
    static final int PERIOD = 6;

    Paint paint(Color color) {
        if (this == SOLID) {
            return color;
        }
        int light = color.getRGB();
        int dark = new Color(color.getRed() / 5, color.getGreen() / 5, color.getBlue() / 5).getRGB();
        BufferedImage tile = new BufferedImage(PERIOD, PERIOD, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < PERIOD; y++) {
            for (int x = 0; x < PERIOD; x++) {
                boolean isDark = this == STRIPED ? (x + y) % PERIOD < PERIOD / 2 : x >= 1 && x <= 2 && y >= 1 && y <= 2;
                tile.setRGB(x, y, isDark ? dark : light);
            }
        }
        // Anchored at the image origin, so the pattern does not depend on where the object sits.
        return new TexturePaint(tile, new Rectangle(0, 0, PERIOD, PERIOD));
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.bagsflow.ml.report;

import java.awt.Color;

/**
 * One colour per chart series, distinct however many series there are: the 8 colour-blind-safe Okabe-Ito colours
 * first, then hues a golden angle apart at alternating saturation and brightness. Cycling the 8 (as the charts did)
 * drew the 9th model in the 1st model's colour, so a comparison of two full runs could not be read.
 */
final class SeriesColors {

    private static final Color[] OKABE_ITO = {
        new Color(0x00, 0x72, 0xB2), new Color(0xD5, 0x5E, 0x00), new Color(0x00, 0x9E, 0x73),
        new Color(0xCC, 0x79, 0xA7), new Color(0xE6, 0x9F, 0x00), new Color(0x56, 0xB4, 0xE9),
        new Color(0x00, 0x00, 0x00), new Color(0xF0, 0xE4, 0x42)
    };
    private static final double GOLDEN = 0.6180339887498949;

    private SeriesColors() {}

    /** The colour of series {@code i} (0-based). */
    static Color of(int i) {
        if (i < OKABE_ITO.length) {
            return OKABE_ITO[i];
        }
        int k = i - OKABE_ITO.length;
        float hue = (float) ((0.11 + k * GOLDEN) % 1.0);
        // three saturation/brightness levels, so that hues that come round again differ in shade as well
        float saturation = new float[] {0.85f, 0.55f, 0.95f}[k % 3];
        float brightness = new float[] {0.55f, 0.8f, 0.35f}[(k / 3) % 3];
        return Color.getHSBColor(hue, saturation, brightness);
    }
}

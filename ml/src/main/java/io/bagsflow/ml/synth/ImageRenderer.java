package io.bagsflow.ml.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws a planned image: grey background, objects in plan order, then per-pixel noise. Antialiasing is off
 * and the PNG writer settings are fixed, so the bytes depend only on the plan.
 */
final class ImageRenderer {

    /** Saturation of every object colour (the prototype's). */
    static final float SATURATION = 0.85f;
    /** Largest per-pixel noise in grey levels (+-), added to all three channels alike. */
    static final int NOISE = 10;

    private final SyntheticPreset preset;
    private final List<SyntheticClass> classes;

    ImageRenderer(SyntheticPreset preset, List<SyntheticClass> classes) {
        this.preset = preset;
        this.classes = classes;
    }

    BufferedImage render(PlannedImage plan) {
        int size = preset.imageSize;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            int grey = Math.round(plan.background() * 255);
            g.setColor(new Color(grey, grey, grey));
            g.fillRect(0, 0, size, size);
            for (PlannedObject o : plan.objects()) {
                SyntheticClass cls = classes.get(o.categoryId() - 1);
                Color color = Color.getHSBColor(o.hue(), SATURATION, o.value());
                g.setPaint(cls.texture().paint(color));
                g.fill(cls.shape().outline(o.x(), o.y(), o.w(), o.h()));
            }
        } finally {
            g.dispose();
        }
        addNoise(((DataBufferInt) image.getRaster().getDataBuffer()).getData(), plan.noiseSeed());
        return image;
    }

    private static void addNoise(int[] pixels, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < pixels.length; i++) {
            int n = rng.nextInt(2 * NOISE + 1) - NOISE;
            int p = pixels[i];
            int r = clamp(((p >> 16) & 0xff) + n);
            int gr = clamp(((p >> 8) & 0xff) + n);
            int b = clamp((p & 0xff) + n);
            pixels[i] = (r << 16) | (gr << 8) | b;
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** PNG bytes with fixed settings: no metadata, deflate at a fixed level. */
    static byte[] png(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                // Quality 0.75 is a low deflate level: on these noisy images as small as the default and twice as fast.
                param.setCompressionQuality(0.75f);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}

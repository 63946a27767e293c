package io.bagsflow.cli.runs;

import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Copies of the images with their detections drawn: a box per detection at or above a score threshold, coloured by
 * category, labelled with the category's name (or id) and score, written as PNG. Small images (the synthetic
 * benchmark's are 64-96 px) are scaled up so the labels stay readable.
 */
final class DetectionDrawing {

    private static final int MIN_SIDE = 384;

    private DetectionDrawing() {}

    /** @return the number of images written */
    static int draw(
            List<LvisImage> images,
            Path imagesDir,
            LvisResults results,
            Map<Integer, String> names,
            double threshold,
            Path outDir) {
        Map<Integer, List<Integer>> byImage = new HashMap<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.score(i) >= threshold) {
                byImage.computeIfAbsent(results.imageId(i), k -> new ArrayList<>())
                        .add(i);
            }
        }
        try {
            Files.createDirectories(outDir);
            for (LvisImage im : images) {
                BufferedImage src =
                        ImageIO.read(imagesDir.resolve(im.relativeFileName()).toFile());
                double scale = Math.max(1, (double) MIN_SIDE / Math.min(src.getWidth(), src.getHeight()));
                int w = (int) Math.round(src.getWidth() * scale);
                int h = (int) Math.round(src.getHeight() * scale);
                BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = out.createGraphics();
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.drawImage(src, 0, 0, w, h, null);
                g.setStroke(new BasicStroke(2f));
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                for (int i : byImage.getOrDefault(im.id(), List.of())) {
                    int category = results.categoryId(i);
                    g.setColor(colour(category));
                    int x = (int) Math.round(results.x(i) * scale);
                    int y = (int) Math.round(results.y(i) * scale);
                    g.drawRect(x, y, (int) Math.round(results.w(i) * scale), (int) Math.round(results.h(i) * scale));
                    String label = String.format(
                            Locale.ROOT,
                            "%s %.2f",
                            names.getOrDefault(category, String.valueOf(category)),
                            results.score(i));
                    g.drawString(label, x + 2, Math.max(12, y - 3));
                }
                g.dispose();
                String name = im.relativeFileName().replaceAll("\\.[^.]*$", "") + ".png";
                ImageIO.write(
                        out, "png", outDir.resolve(Path.of(name).getFileName()).toFile());
            }
            return images.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stable, well-spread colour per category (golden-ratio hue steps). */
    static Color colour(int category) {
        float hue = (float) ((category * 0.6180339887498949) % 1.0);
        return Color.getHSBColor(hue, 0.85f, 0.95f);
    }
}

package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;

/**
 * A small valid dataset that a test can break in one place before writing it: train.json (2 images, 3
 * annotations), val.json (1 image, 2 annotations), three categories, and the PNG files under images/.
 */
final class DatasetFixture {

    final List<LvisCategory> trainCategories =
            new ArrayList<>(List.of(category(1, "apple"), category(2, "pear"), category(3, "plum")));
    final List<LvisCategory> valCategories = new ArrayList<>(trainCategories);
    final List<LvisImage> trainImages =
            new ArrayList<>(List.of(image(1, 40, 30, "a.png"), image(2, 32, 32, "sub/b.png")));
    final List<LvisImage> valImages =
            new ArrayList<>(List.of(new LvisImage(101, 40, 30, "v.png", null, new int[] {3}, new int[] {2})));
    final List<LvisAnnotation> trainAnnotations = new ArrayList<>(List.of(
            new LvisAnnotation(10, 1, 1, 1, 2, 10, 10, 100),
            new LvisAnnotation(11, 1, 2, 20, 5, 15, 20, 300),
            new LvisAnnotation(12, 2, 3, 0, 0, 32, 32, 1024)));
    final List<LvisAnnotation> valAnnotations = new ArrayList<>(List.of(
            new LvisAnnotation(20, 101, 1, 5, 5, 10, 10, 100), new LvisAnnotation(21, 101, 2, 20, 10, 12, 12, 144)));
    /** Image files by path relative to images/. */
    final Map<String, byte[]> imageFiles = new LinkedHashMap<>(Map.of(
            "a.png", png(40, 30),
            "sub/b.png", png(32, 32),
            "v.png", png(40, 30)));

    UnaryOperator<String> trainText = UnaryOperator.identity();
    UnaryOperator<String> valText = UnaryOperator.identity();
    boolean writeImageDir = true;

    Path train;
    Path val;
    Path images;

    static LvisCategory category(int id, String name) {
        return new LvisCategory(id, name, List.of(name), null, null, null, -1, -1);
    }

    static LvisImage image(int id, int w, int h, String fileName) {
        return new LvisImage(id, w, h, fileName, null, new int[0], new int[0]);
    }

    static byte[] png(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes everything under {@code root} and remembers the paths. */
    DatasetFixture writeTo(Path root) throws IOException {
        train = root.resolve("train.json");
        val = root.resolve("val.json");
        images = root.resolve("images");
        Files.writeString(
                train, trainText.apply(json(new LvisDataset(trainImages, trainAnnotations, trainCategories))));
        Files.writeString(val, valText.apply(json(new LvisDataset(valImages, valAnnotations, valCategories))));
        if (writeImageDir) {
            Files.createDirectories(images);
            for (Map.Entry<String, byte[]> f : imageFiles.entrySet()) {
                Path p = images.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
        }
        return this;
    }

    private static String json(LvisDataset d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LvisDatasetWriter.write(d, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}

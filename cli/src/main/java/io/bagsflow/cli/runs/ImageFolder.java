package io.bagsflow.cli.runs;

import io.bagsflow.cli.UserError;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The images {@code predict} runs on, as the image list of an LVIS dataset (no annotations).
 *
 * <p>Image ids decide whether the results can be evaluated against an annotation file, so they are never invented
 * when a better source exists: with an annotation file, its images (id, file name, size) in its order, each of which
 * must be in the folder; without one, every PNG/JPEG of the folder, its id the last number in its file name
 * ({@code val_000151.png} is 151, COCO's {@code 000000397133.jpg} is 397133), in id order. Sizes come from the image
 * headers, not from decoding.
 */
final class ImageFolder {

    private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

    private ImageFolder() {}

    static LvisDataset of(Path dir, Path annotations) {
        if (!Files.isDirectory(dir)) {
            throw new UserError("--images " + dir + " is not a folder", null);
        }
        if (annotations != null) {
            return listed(dir, annotations);
        }
        List<LvisImage> images = new ArrayList<>();
        Map<Integer, String> byId = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(ImageFolder::isImage).sorted().toList()) {
                String name = f.getFileName().toString();
                Matcher m = LAST_NUMBER.matcher(name);
                if (!m.find() || m.group(1).length() > 9) {
                    throw new UserError(
                            f + ": no image id in the file name (its last number is the id)",
                            "name the images by their id, or pass --annotations FILE to take ids from an LVIS file");
                }
                int id = Integer.parseInt(m.group(1));
                String other = byId.putIfAbsent(id, name);
                if (other != null) {
                    throw new UserError(
                            dir + ": " + other + " and " + name + " both have image id " + id,
                            "pass --annotations FILE to take ids from an LVIS file");
                }
                int[] size = size(f);
                images.add(new LvisImage(id, size[0], size[1], name, null, new int[0], new int[0]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (images.isEmpty()) {
            throw new UserError(dir + " has no .png, .jpg or .jpeg images", null);
        }
        images.sort(Comparator.comparingInt(LvisImage::id));
        return new LvisDataset(images, List.of(), List.of());
    }

    private static LvisDataset listed(Path dir, Path annotations) {
        LvisDataset gt = LvisDatasetReader.read(annotations);
        List<LvisImage> images = new ArrayList<>();
        for (LvisImage im : gt.images()) {
            Path f = dir.resolve(im.relativeFileName());
            if (!Files.isRegularFile(f)) {
                throw new UserError(
                        annotations + ": image " + im.id() + " (" + im.relativeFileName() + ") is not in " + dir, null);
            }
            images.add(im);
        }
        return new LvisDataset(images, List.of(), gt.categories());
    }

    static boolean isImage(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(f) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** Width and height from the header. */
    private static int[] size(Path f) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new UserError(f + ": not a PNG or JPEG image", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }
}

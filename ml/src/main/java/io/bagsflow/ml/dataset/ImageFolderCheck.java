package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.LvisImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that each image record of an annotation file points at a readable image of the stated size inside
 * the image folder, and describes the files for the manifest.
 */
final class ImageFolderCheck {

    private ImageFolderCheck() {}

    /** The manifest entries of the images that passed; problems go to {@code errors}. */
    static List<ManifestImage> check(List<LvisImage> images, String file, Path imageDir, List<DatasetProblem> errors) {
        List<ManifestImage> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            LvisImage img = images.get(i);
            String where = AnnotationChecks.imageWhere(i, img);
            ManifestImage entry = checkOne(img, imageDir, file, where, errors);
            if (entry != null) {
                out.add(entry);
            }
        }
        return out;
    }

    private static ManifestImage checkOne(
            LvisImage img, Path imageDir, String file, String where, List<DatasetProblem> errors) {
        String name = img.relativeFileName();
        if (name == null) {
            errors.add(new DatasetProblem(file, where, "no file_name or coco_url, so no image file to check"));
            return null;
        }
        Path relative = relativePath(name, file, where, errors);
        if (relative == null) {
            return null;
        }
        Path path = imageDir.resolve(relative);
        String shown = "image file \"" + name + "\"";
        if (!Files.isRegularFile(path)) {
            errors.add(new DatasetProblem(file, where, shown + " not found in " + imageDir));
            return null;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            errors.add(new DatasetProblem(file, where, shown + " cannot be read: " + e.getMessage()));
            return null;
        }
        ImageProbe.Result probe = ImageProbe.probe(content);
        if (probe.problem() != null) {
            errors.add(new DatasetProblem(file, where, shown + " is unreadable: " + probe.problem()));
            return null;
        }
        boolean sizeKnown = img.width() > 0 && img.height() > 0; // else already reported by AnnotationChecks
        if (sizeKnown && (probe.width() != img.width() || probe.height() != img.height())) {
            errors.add(new DatasetProblem(
                    file,
                    where,
                    shown + " is " + probe.width() + "x" + probe.height() + " pixels but the JSON says " + img.width()
                            + "x" + img.height() + " (width x height)"));
            return null;
        }
        String manifestPath = relative.toString().replace('\\', '/');
        return new ManifestImage(img.id(), manifestPath, probe.sha256(), probe.bytes(), probe.width(), probe.height());
    }

    /** The normalised path inside the image folder, or null (with an error) when the name leaves it. */
    private static Path relativePath(String name, String file, String where, List<DatasetProblem> errors) {
        String shown = "file_name \"" + name + "\"";
        // Checked as text too: "C:\x" or "\\host\x" are not absolute on Linux but are on the machine that wrote them.
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            errors.add(
                    new DatasetProblem(file, where, shown + " is absolute; it must be relative to the image folder"));
            return null;
        }
        Path p;
        try {
            // Backslashes as separators, so that "..\\x.png" from a Windows tool cannot escape either.
            p = Path.of(name.replace('\\', '/'));
        } catch (InvalidPathException e) {
            errors.add(new DatasetProblem(file, where, shown + " is not a valid path: " + e.getReason()));
            return null;
        }
        if (p.isAbsolute()) {
            errors.add(
                    new DatasetProblem(file, where, shown + " is absolute; it must be relative to the image folder"));
            return null;
        }
        Path normal = p.normalize();
        if (normal.toString().isEmpty() || normal.startsWith("..")) {
            errors.add(new DatasetProblem(file, where, shown + " escapes the image folder (\"..\")"));
            return null;
        }
        return normal;
    }
}

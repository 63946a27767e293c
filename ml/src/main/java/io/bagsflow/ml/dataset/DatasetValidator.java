package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates LVIS-format train and val annotation files against an image folder, collecting every problem
 * rather than stopping at the first. Train and val must have the same category list (ids and names): the
 * model's labels come from train and val is scored against them, so a difference is an error.
 */
public final class DatasetValidator {

    private DatasetValidator() {}

    /** Reads everything, never throws for bad input: the problems are in the returned report. */
    public static DatasetCheck check(Path train, Path val, Path imageDir) {
        return check(train, val, imageDir, false);
    }

    /**
     * {@link #check(Path, Path, Path)}, and with {@code segmentations} also every annotation's segmentation
     * ({@link SegmentationChecks}): the files are then read with their polygons, which for a real LVIS train file is
     * most of its size, so only when masks are used or asked about.
     */
    public static DatasetCheck check(Path train, Path val, Path imageDir, boolean segmentations) {
        List<DatasetProblem> errors = new ArrayList<>();
        List<DatasetProblem> warnings = new ArrayList<>();
        boolean folderOk = Files.isDirectory(imageDir);
        if (!folderOk) {
            errors.add(new DatasetProblem(imageDir.toString(), "", "image folder not found"));
        }

        LvisDataset trainSet = read(train, segmentations, errors);
        LvisDataset valSet = read(val, segmentations, errors);
        CategoryStatistics stats = null;
        if (trainSet != null) {
            int before = errors.size();
            AnnotationChecks.check(trainSet, train.toString(), errors, warnings);
            if (errors.size() == before) {
                stats = CategoryStatistics.compute(trainSet, train.toString());
                warnings.addAll(stats.warnings());
            }
        }
        if (valSet != null) {
            AnnotationChecks.check(valSet, val.toString(), errors, warnings);
        }
        if (segmentations && trainSet != null) {
            SegmentationChecks.check(trainSet, train.toString(), errors);
        }
        if (segmentations && valSet != null) {
            SegmentationChecks.check(valSet, val.toString(), errors);
        }
        if (trainSet != null && valSet != null) {
            sameCategories(trainSet, train.toString(), valSet, val.toString(), errors);
        }
        List<ManifestImage> trainImages = List.of();
        List<ManifestImage> valImages = List.of();
        if (folderOk && trainSet != null) {
            trainImages = ImageFolderCheck.check(trainSet.images(), train.toString(), imageDir, errors);
        }
        if (folderOk && valSet != null) {
            valImages = ImageFolderCheck.check(valSet.images(), val.toString(), imageDir, errors);
        }

        DatasetReport report = new DatasetReport(errors, warnings);
        DatasetManifest manifest = null;
        if (report.ok()) {
            manifest = new DatasetManifest(
                    DatasetManifest.FORMAT_VERSION,
                    describe(train),
                    describe(val),
                    imageDir.toString(),
                    new ManifestCounts(
                            stats.numClasses(),
                            trainSet.images().size(),
                            trainSet.annotations().size(),
                            valSet.images().size(),
                            valSet.annotations().size()),
                    stats.categories().stream()
                            .map(c -> new ManifestCategory(
                                    c.id(), c.name(), c.frequency().code(), c.imageCount(), c.instanceCount()))
                            .toList(),
                    trainImages,
                    valImages);
        }
        return new DatasetCheck(report, stats, manifest);
    }

    private static LvisDataset read(Path file, boolean segmentations, List<DatasetProblem> errors) {
        try {
            return segmentations ? LvisDatasetReader.readWithSegmentations(file) : LvisDatasetReader.read(file);
        } catch (LvisFormatException e) {
            errors.add(DatasetProblem.of(e));
            return null;
        }
    }

    private static void sameCategories(
            LvisDataset train, String trainFile, LvisDataset val, String valFile, List<DatasetProblem> errors) {
        Map<Integer, String> t = names(train.categories());
        Map<Integer, String> v = names(val.categories());
        List<Integer> missing =
                t.keySet().stream().filter(id -> !v.containsKey(id)).toList();
        List<Integer> extra =
                v.keySet().stream().filter(id -> !t.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            errors.add(new DatasetProblem(
                    valFile,
                    "categories",
                    "differs from " + trainFile + ": lacks " + missing.size() + " of its category ids "
                            + firstFew(missing)));
        }
        if (!extra.isEmpty()) {
            errors.add(new DatasetProblem(
                    valFile,
                    "categories",
                    "differs from " + trainFile + ": has " + extra.size() + " category ids it lacks "
                            + firstFew(extra)));
        }
        for (Map.Entry<Integer, String> e : v.entrySet()) {
            String trainName = t.get(e.getKey());
            if (trainName != null && !trainName.equals(e.getValue())) {
                errors.add(new DatasetProblem(
                        valFile,
                        "categories (id " + e.getKey() + ")",
                        "name \"" + e.getValue() + "\" differs from \"" + trainName + "\" in " + trainFile));
            }
        }
    }

    private static Map<Integer, String> names(List<LvisCategory> categories) {
        Map<Integer, String> out = new TreeMap<>();
        for (LvisCategory c : categories) {
            out.putIfAbsent(c.id(), c.name());
        }
        return out;
    }

    private static String firstFew(List<Integer> ids) {
        List<Integer> shown = ids.subList(0, Math.min(10, ids.size()));
        return shown + (ids.size() > shown.size() ? " ..." : "");
    }

    private static ManifestFile describe(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            return new ManifestFile(file.toString(), ImageProbe.sha256(content), content.length);
        } catch (IOException e) {
            throw new LvisFormatException(file.toString(), "", "cannot read: " + e.getMessage(), e);
        }
    }
}

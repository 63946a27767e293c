package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-category counts of a training set, recomputed from its annotations, plus which labels each training
 * image contains (what repeat-factor sampling and the statistics table need).
 *
 * <p>Labels follow the BAGS convention: label 0 is background and label i is the i-th category by ascending
 * id, so {@code categories.get(i - 1)} is label i.
 *
 * @param categories  ascending by id
 * @param imageIds    the training images, in file order
 * @param imageLabels for each image, the distinct labels annotated in it, ascending
 * @param warnings    counts or frequency labels in the file that disagree with the annotations
 */
public record CategoryStatistics(
        String file,
        List<CategoryCount> categories,
        int[] imageIds,
        int[][] imageLabels,
        List<DatasetProblem> warnings) {

    public CategoryStatistics {
        categories = List.copyOf(categories);
        warnings = List.copyOf(warnings);
    }

    /**
     * Counts {@code train}'s annotations per category.
     *
     * @throws LvisFormatException on a duplicate category id or an annotation naming an unknown image or
     *                             category (dataset validation reports these with all other problems)
     */
    public static CategoryStatistics compute(LvisDataset train, String file) {
        List<LvisCategory> cats = new ArrayList<>(train.categories());
        cats.sort(Comparator.comparingInt(LvisCategory::id));
        Map<Integer, Integer> labelOf = new HashMap<>();
        for (int i = 0; i < cats.size(); i++) {
            if (labelOf.put(cats.get(i).id(), i + 1) != null) {
                throw new LvisFormatException(
                        file,
                        "categories",
                        "duplicate category id " + cats.get(i).id());
            }
        }
        int[] imageIds = new int[train.images().size()];
        Map<Integer, Integer> imageIndex = new HashMap<>();
        for (int i = 0; i < imageIds.length; i++) {
            imageIds[i] = train.images().get(i).id();
            if (imageIndex.put(imageIds[i], i) != null) {
                throw new LvisFormatException(file, "images", "duplicate image id " + imageIds[i]);
            }
        }

        int[] instances = new int[cats.size() + 1];
        int[] annImage = new int[train.annotations().size()];
        int[] annLabel = new int[annImage.length];
        int[] perImage = new int[imageIds.length];
        for (int a = 0; a < annImage.length; a++) {
            LvisAnnotation ann = train.annotations().get(a);
            Integer label = labelOf.get(ann.categoryId());
            Integer image = imageIndex.get(ann.imageId());
            String where = "annotations[" + a + "] (id " + ann.id() + ")";
            if (label == null) {
                throw new LvisFormatException(file, where, "unknown category_id " + ann.categoryId());
            }
            if (image == null) {
                throw new LvisFormatException(file, where, "unknown image_id " + ann.imageId());
            }
            instances[label]++;
            annImage[a] = image;
            annLabel[a] = label;
            perImage[image]++;
        }
        int[][] imageLabels = distinctLabelsPerImage(annImage, annLabel, perImage);
        int[] images = new int[cats.size() + 1];
        for (int[] labels : imageLabels) {
            for (int label : labels) {
                images[label]++;
            }
        }

        List<CategoryCount> counts = new ArrayList<>(cats.size());
        List<DatasetProblem> warnings = new ArrayList<>();
        for (int i = 0; i < cats.size(); i++) {
            LvisCategory c = cats.get(i);
            CategoryCount count = new CategoryCount(
                    c.id(),
                    c.name(),
                    instances[i + 1],
                    images[i + 1],
                    Frequency.ofImageCount(images[i + 1]),
                    c.instanceCount(),
                    c.imageCount(),
                    c.frequency());
            counts.add(count);
            compareWithFile(count, file, warnings);
        }
        return new CategoryStatistics(file, counts, imageIds, imageLabels, warnings);
    }

    private static int[][] distinctLabelsPerImage(int[] annImage, int[] annLabel, int[] perImage) {
        int[][] labels = new int[perImage.length][];
        for (int i = 0; i < perImage.length; i++) {
            labels[i] = new int[perImage[i]];
        }
        int[] filled = new int[perImage.length];
        for (int a = 0; a < annImage.length; a++) {
            labels[annImage[a]][filled[annImage[a]]++] = annLabel[a];
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Arrays.stream(labels[i]).sorted().distinct().toArray();
        }
        return labels;
    }

    private static void compareWithFile(CategoryCount c, String file, List<DatasetProblem> warnings) {
        String where = "categories (id " + c.id() + ", \"" + c.name() + "\")";
        if (c.fileInstanceCount() >= 0 && c.fileInstanceCount() != c.instanceCount()) {
            warnings.add(new DatasetProblem(
                    file,
                    where,
                    "instance_count is " + c.fileInstanceCount() + " in the file but " + c.instanceCount()
                            + " in the annotations"));
        }
        if (c.fileImageCount() >= 0 && c.fileImageCount() != c.imageCount()) {
            warnings.add(new DatasetProblem(
                    file,
                    where,
                    "image_count is " + c.fileImageCount() + " in the file but " + c.imageCount()
                            + " in the annotations"));
        }
        if (c.fileFrequency() != null && c.fileFrequency() != c.frequency()) {
            warnings.add(new DatasetProblem(
                    file,
                    where,
                    "frequency is \"" + c.fileFrequency().code()
                            + "\" in the file but \"" + c.frequency().code() + "\" for " + c.imageCount()
                            + " training images"));
        }
    }

    public int numClasses() {
        return categories.size();
    }

    public int numImages() {
        return imageIds.length;
    }

    /** Category ids by label: element i-1 is the id of label i. */
    public int[] categoryIds() {
        return categories.stream().mapToInt(CategoryCount::id).toArray();
    }

    /** Instance counts by label (element i-1 for label i) from the chosen source. */
    public int[] instanceCounts(CountSource source) {
        return categories.stream().mapToInt(c -> c.instanceCount(source)).toArray();
    }
}

package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.mask.Segmentation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The annotation side of an evaluation, built once and shared by every results file evaluated against it.
 *
 * <p>Images and categories get dense indices in ascending id order. The GT boxes lvis-api evaluates (category
 * in the category list, {@code 0 < area < inf}) are stored in primitive arrays grouped by category, then image
 * index, then the order lvis-api sees them in. Per category, the images that list it as negative or as not
 * exhaustively annotated are kept as ascending image indices, so the federated filter is a merge walk.
 *
 * <p>Where ids repeat, lvis-api's dictionaries keep the last record: the same happens here for images and
 * categories, and for annotations (a GT whose id repeats is replaced by the last annotation with that id).
 */
final class GroundTruthIndex {

    final String file;
    final IdIndex images;
    final IdIndex categories;
    /** per category index; null when the category has no frequency label */
    final Frequency[] frequency;

    /** GT slots of category k are {@code gtStart[k] .. gtStart[k+1]-1}, by image index, then lvis-api order */
    final int[] gtStart;

    final int[] gtImage;
    /** x, y, w, h of slot s at 4s .. 4s+3 */
    final double[] gtBox;

    final double[] gtArea;
    /** the annotation id of slot s, for errors */
    final long[] gtId;
    /** the segmentation of slot s as the file gives it; null when the annotations were read without them */
    final Segmentation[] gtSegmentation;
    /** height and width of image index i, which polygons are rasterised at */
    final int[] imageHeight;

    final int[] imageWidth;
    /** lvis-api stores the matched GT's id as the match, so a GT with id 0 makes a match count as none */
    final boolean[] gtIdNonZero;

    /** images (ascending indices) where category k is negative: {@code negImage[negStart[k] .. negStart[k+1])} */
    final int[] negStart;

    final int[] negImage;
    /** images (ascending indices) where category k is not exhaustively annotated */
    final int[] nelStart;

    final int[] nelImage;

    private GroundTruthIndex(String file, LvisDataset gt) {
        this.file = file;
        List<LvisImage> imgs = gt.images();
        int[] imageIds = new int[imgs.size()];
        for (int i = 0; i < imageIds.length; i++) {
            imageIds[i] = imgs.get(i).id();
        }
        images = IdIndex.of(imageIds);

        List<LvisCategory> cats = gt.categories();
        int[] categoryIds = new int[cats.size()];
        for (int i = 0; i < categoryIds.length; i++) {
            categoryIds[i] = cats.get(i).id();
        }
        categories = IdIndex.of(categoryIds);
        frequency = new Frequency[categories.size()];
        for (LvisCategory c : cats) {
            frequency[categories.indexOf(c.id())] = c.frequency();
        }

        LvisImage[] imageByIndex = new LvisImage[images.size()];
        for (LvisImage img : imgs) {
            imageByIndex[images.indexOf(img.id())] = img;
        }
        imageHeight = new int[imageByIndex.length];
        imageWidth = new int[imageByIndex.length];
        for (int i = 0; i < imageByIndex.length; i++) {
            imageHeight[i] = imageByIndex[i].height();
            imageWidth[i] = imageByIndex[i].width();
        }
        int[][] neg = categoryImages(imageByIndex, true);
        negStart = neg[0];
        negImage = neg[1];
        int[][] nel = categoryImages(imageByIndex, false);
        nelStart = nel[0];
        nelImage = nel[1];

        int[] used = usedAnnotations(gt.annotations());
        int n = used.length;
        int k = categories.size();
        int[] annImage = new int[n];
        int[] annCat = new int[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            LvisAnnotation a = gt.annotations().get(used[i]);
            int img = images.indexOf(a.imageId());
            int cat = categories.indexOf(a.categoryId());
            // only a replaced duplicate can land outside the evaluated images and categories; lvis-api never looks
            // there
            if (img >= 0 && cat >= 0) {
                used[kept] = used[i];
                annImage[kept] = img;
                annCat[kept] = cat;
                kept++;
            }
        }
        // stable bucket sort by (category, image): the order within one (image, category) is lvis-api's
        int[] byImage = stableBucket(annImage, images.size(), identity(kept));
        int[] order = stableBucket(annCat, k, byImage);
        gtStart = new int[k + 1];
        for (int i = 0; i < kept; i++) {
            gtStart[annCat[i] + 1]++;
        }
        for (int c = 0; c < k; c++) {
            gtStart[c + 1] += gtStart[c];
        }
        gtImage = new int[kept];
        gtBox = new double[4 * kept];
        gtArea = new double[kept];
        gtIdNonZero = new boolean[kept];
        gtId = new long[kept];
        gtSegmentation = new Segmentation[kept];
        for (int s = 0; s < kept; s++) {
            int i = order[s];
            LvisAnnotation a = gt.annotations().get(used[i]);
            gtImage[s] = annImage[i];
            gtBox[4 * s] = a.x();
            gtBox[4 * s + 1] = a.y();
            gtBox[4 * s + 2] = a.w();
            gtBox[4 * s + 3] = a.h();
            gtArea[s] = a.area();
            gtIdNonZero[s] = a.id() != 0;
            gtId[s] = a.id();
            gtSegmentation[s] = a.segmentation();
        }
    }

    static GroundTruthIndex of(LvisDataset gt, String file) {
        return new GroundTruthIndex(file, gt);
    }

    int gtCount() {
        return gtImage.length;
    }

    /**
     * The annotations lvis-api evaluates, in its order: images by ascending id, annotations of an image in file
     * order, kept when the category is in the list and {@code 0 < area < inf}. An annotation whose id repeats
     * is then replaced by the last annotation with that id ({@code load_anns} looks ids up in a dict).
     */
    private int[] usedAnnotations(List<LvisAnnotation> anns) {
        int n = anns.size();
        int[] annImage = new int[n];
        for (int i = 0; i < n; i++) {
            annImage[i] = images.indexOf(anns.get(i).imageId());
        }
        int[] byImage = stableBucket(annImage, images.size(), identity(n));
        Map<Long, Integer> lastWithId = hasDuplicateIds(anns) ? lastIndexById(anns) : null;
        int[] used = new int[n];
        int m = 0;
        for (int i : byImage) {
            LvisAnnotation a = anns.get(i);
            if (annImage[i] < 0 || categories.indexOf(a.categoryId()) < 0) {
                continue;
            }
            if (a.area() > 0 && a.area() < Double.POSITIVE_INFINITY) {
                used[m++] = lastWithId == null ? i : lastWithId.get(a.id());
            }
        }
        return Arrays.copyOf(used, m);
    }

    private static boolean hasDuplicateIds(List<LvisAnnotation> anns) {
        long[] ids = new long[anns.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = anns.get(i).id();
        }
        Arrays.sort(ids);
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == ids[i - 1]) {
                return true;
            }
        }
        return false;
    }

    private static Map<Long, Integer> lastIndexById(List<LvisAnnotation> anns) {
        Map<Long, Integer> last = new HashMap<>();
        for (int i = 0; i < anns.size(); i++) {
            last.put(anns.get(i).id(), i);
        }
        return last;
    }

    /** Per category, the ascending image indices whose neg (or not-exhaustive) list names it, as CSR arrays. */
    private int[][] categoryImages(LvisImage[] imageByIndex, boolean negative) {
        int k = categories.size();
        int[] start = new int[k + 1];
        for (LvisImage img : imageByIndex) {
            for (int id : negative ? img.negCategoryIds() : img.notExhaustiveCategoryIds()) {
                int c = categories.indexOf(id);
                if (c >= 0) {
                    start[c + 1]++;
                }
            }
        }
        for (int c = 0; c < k; c++) {
            start[c + 1] += start[c];
        }
        int[] fill = Arrays.copyOf(start, k);
        int[] out = new int[start[k]];
        for (int i = 0; i < imageByIndex.length; i++) {
            LvisImage img = imageByIndex[i];
            for (int id : negative ? img.negCategoryIds() : img.notExhaustiveCategoryIds()) {
                int c = categories.indexOf(id);
                if (c >= 0) {
                    out[fill[c]++] = i;
                }
            }
        }
        return new int[][] {start, out};
    }

    static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /**
     * Counting sort of {@code items} by {@code key[item]} in 0..buckets-1, stable; items
     * whose key is negative are dropped.
     */
    static int[] stableBucket(int[] key, int buckets, int[] items) {
        int[] start = new int[buckets + 1];
        int m = 0;
        for (int item : items) {
            if (key[item] >= 0) {
                start[key[item] + 1]++;
                m++;
            }
        }
        for (int b = 0; b < buckets; b++) {
            start[b + 1] += start[b];
        }
        int[] out = new int[m];
        for (int item : items) {
            int b = key[item];
            if (b >= 0) {
                out[start[b]++] = item;
            }
        }
        return out;
    }
}

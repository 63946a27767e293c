package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.LvisFormatException;
import io.bagsflow.ml.lvis.LvisResults;

/**
 * The detections of one results file as lvis-api's {@code LVISResults} and {@code get_ann_ids} leave them: cut
 * to 300 per image, then filtered to known categories with {@code 0 < area < inf}, grouped by category in image
 * index order and file order. Detections are referred to by their index in the file.
 *
 * <p>The detection area is lvis-api's ({@code results.py}): if the first record after the cut has a
 * {@code "bbox"}, every detection's area is its box's w*h (for segm too); otherwise it is the mask's pixel
 * count, which lvis-api can only take from compressed RLE. The rule depends on the file, not on the IoU type.
 */
final class DetectionBuckets {

    final LvisResults results;
    /** image index of detection i */
    final int[] image;
    /** detections of category k: {@code byCategory[start[k] .. start[k+1])}, by image index, then file order */
    final int[] start;

    final int[] byCategory;
    final int afterMaxDets;
    /** the area of detection i that area ranges and the area > 0 filter use */
    final double[] area;

    private DetectionBuckets(
            LvisResults results, int[] image, int[] start, int[] byCategory, int afterMaxDets, double[] area) {
        this.results = results;
        this.image = image;
        this.start = start;
        this.byCategory = byCategory;
        this.afterMaxDets = afterMaxDets;
        this.area = area;
    }

    /**
     * Rejects what lvis-api crashes on (an empty list, an image id that is not in the annotation file) with an
     * error naming the results file and the record.
     */
    static DetectionBuckets of(GroundTruthIndex gt, LvisResults dt, String file) {
        int n = dt.size();
        if (n == 0) {
            throw new LvisFormatException(
                    file,
                    "top level",
                    "the results list is empty; there is nothing to evaluate (lvis-api fails on it with an IndexError)");
        }
        int[] image = new int[n];
        for (int i = 0; i < n; i++) {
            image[i] = gt.images.indexOf(dt.imageId(i));
            if (image[i] < 0) {
                throw new LvisFormatException(
                        file,
                        "[" + i + "]",
                        "image_id " + dt.imageId(i) + " is not an image of the annotation file " + gt.file);
            }
        }
        int images = gt.images.size();
        int[] byImage = GroundTruthIndex.stableBucket(image, images, GroundTruthIndex.identity(n));
        boolean[] cut = cutToMaxDetsPerImage(dt, byImage, image);
        double[] area = areas(dt, cut, image, file);

        int k = gt.categories.size();
        int[] category = new int[n];
        int kept = 0;
        int[] start = new int[k + 1];
        for (int i = 0; i < n; i++) {
            if (cut[i]) {
                category[i] = -1;
                continue;
            }
            kept++;
            int c = gt.categories.indexOf(dt.categoryId(i));
            category[i] = c >= 0 && area[i] > 0 && area[i] < Double.POSITIVE_INFINITY ? c : -1;
        }
        int[] byCategory = GroundTruthIndex.stableBucket(category, k, byImage);
        for (int i = 0; i < n; i++) {
            if (category[i] >= 0) {
                start[category[i] + 1]++;
            }
        }
        for (int c = 0; c < k; c++) {
            start[c + 1] += start[c];
        }
        return new DetectionBuckets(dt, image, start, byCategory, kept, area);
    }

    /**
     * lvis-api's detection areas (results.py): box w*h for all when the first record after the cut has a box,
     * else the mask pixel count. Rejects, naming the record, what lvis-api then fails on: a record without a
     * box on the box path (KeyError), a record without a compressed-RLE mask on the mask path (KeyError or
     * pycocotools' TypeError). Records cut by the 300 limit are never looked at, as in lvis-api.
     */
    private static double[] areas(LvisResults dt, boolean[] cut, int[] image, String file) {
        int n = dt.size();
        double[] area = new double[n];
        int first = firstAfterCut(dt, cut, image);
        boolean boxArea = !dt.hasMasks() || dt.hasBox(first);
        for (int i = 0; i < n; i++) {
            if (cut[i]) {
                continue;
            }
            if (boxArea) {
                if (!dt.hasBox(i)) {
                    throw new LvisFormatException(
                            file,
                            "[" + i + "]",
                            "has no \"bbox\" but the first result record ([" + first + "]) has one, so lvis-api "
                                    + "takes every area from the box and fails on this record (KeyError); give "
                                    + "every record a box or none");
                }
                area[i] = dt.w(i) * dt.h(i);
            } else {
                LvisResults.MaskKind kind = dt.maskKind(i);
                if (kind != LvisResults.MaskKind.COMPRESSED_RLE) {
                    throw new LvisFormatException(
                            file,
                            "[" + i + "]",
                            (kind == LvisResults.MaskKind.NONE
                                            ? "has no \"segmentation\""
                                            : "has a segmentation given as "
                                                    + (kind == LvisResults.MaskKind.POLYGONS
                                                            ? "polygons"
                                                            : "an uncompressed RLE"))
                                    + " and the first result record ([" + first + "]) has no \"bbox\": lvis-api "
                                    + "then takes areas from compressed RLE masks only and fails on this record; "
                                    + "give every record a \"bbox\" or a compressed RLE");
                }
                area[i] = dt.maskArea(i);
            }
        }
        return area;
    }

    /**
     * lvis-api's {@code result_anns[0]} after {@code limit_dets_per_image}: the first record, unless its image
     * has more than 300 detections, in which case that image's highest score (ties: file order).
     */
    private static int firstAfterCut(LvisResults dt, boolean[] cut, int[] image) {
        int img = image[0];
        int count = 0;
        for (int i = 0; i < image.length; i++) {
            count += image[i] == img ? 1 : 0;
        }
        if (count <= LvisEvalParams.MAX_DETS_PER_IMAGE) {
            return 0;
        }
        int best = -1;
        for (int i = 0; i < image.length; i++) {
            if (image[i] == img && !cut[i] && (best < 0 || dt.score(i) > dt.score(best))) {
                best = i;
            }
        }
        return best;
    }

    int size() {
        return byCategory.length;
    }

    int count(int k) {
        return start[k + 1] - start[k];
    }

    /**
     * {@code LVISResults.limit_dets_per_image}: an image with more than 300 detections keeps the 300 highest
     * scores, ties in file order, counting detections that later filters drop. Returns the detections cut.
     */
    private static boolean[] cutToMaxDetsPerImage(LvisResults dt, int[] byImage, int[] image) {
        int n = dt.size();
        boolean[] cut = new boolean[n];
        int max = LvisEvalParams.MAX_DETS_PER_IMAGE;
        int[] items = new int[0];
        int[] tmp = new int[0];
        double[] scores = new double[0];
        int from = 0;
        while (from < n) {
            int to = from;
            while (to < n && image[byImage[to]] == image[byImage[from]]) {
                to++;
            }
            int count = to - from;
            if (count > max) {
                if (items.length < count) {
                    items = new int[count];
                    tmp = new int[count];
                    scores = new double[count];
                }
                for (int p = 0; p < count; p++) {
                    items[p] = p;
                    scores[p] = dt.score(byImage[from + p]);
                }
                ScoreOrder.sortDescending(items, 0, count, scores, tmp);
                for (int p = max; p < count; p++) {
                    cut[byImage[from + items[p]]] = true;
                }
            }
            from = to;
        }
        return cut;
    }
}

package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks across the records of one annotation file that the streaming reader cannot make: duplicate ids,
 * references to unknown images or categories, impossible boxes.
 */
final class AnnotationChecks {

    /** A box may stick out of its image by this much (rounding in real annotation tools). */
    static final double BOX_TOLERANCE_PX = 1.0;

    private final String file;
    private final List<DatasetProblem> errors;
    private final List<DatasetProblem> warnings;

    private AnnotationChecks(String file, List<DatasetProblem> errors, List<DatasetProblem> warnings) {
        this.file = file;
        this.errors = errors;
        this.warnings = warnings;
    }

    static void check(LvisDataset d, String file, List<DatasetProblem> errors, List<DatasetProblem> warnings) {
        AnnotationChecks c = new AnnotationChecks(file, errors, warnings);
        Set<Integer> categoryIds = c.categories(d.categories());
        Map<Integer, LvisImage> images = c.images(d.images(), categoryIds);
        c.annotations(d.annotations(), images, categoryIds);
    }

    private void error(String where, String problem) {
        errors.add(new DatasetProblem(file, where, problem));
    }

    private Set<Integer> categories(List<LvisCategory> categories) {
        Map<Integer, Integer> first = new HashMap<>();
        for (int i = 0; i < categories.size(); i++) {
            int id = categories.get(i).id();
            Integer earlier = first.putIfAbsent(id, i);
            if (earlier != null) {
                error(
                        "categories[" + i + "] (id " + id + ")",
                        "duplicate category id " + id + " (first at categories[" + earlier + "])");
            }
        }
        return first.keySet();
    }

    private Map<Integer, LvisImage> images(List<LvisImage> images, Set<Integer> categoryIds) {
        Map<Integer, LvisImage> byId = new HashMap<>();
        Map<Integer, Integer> first = new HashMap<>();
        for (int i = 0; i < images.size(); i++) {
            LvisImage img = images.get(i);
            String where = imageWhere(i, img);
            Integer earlier = first.putIfAbsent(img.id(), i);
            if (earlier != null) {
                error(where, "duplicate image id " + img.id() + " (first at images[" + earlier + "])");
                continue;
            }
            byId.put(img.id(), img);
            if (img.width() <= 0 || img.height() <= 0) {
                error(where, "width and height must be positive, found " + img.width() + "x" + img.height());
            }
            unknownCategories(where, "neg_category_ids", img.negCategoryIds(), categoryIds);
            unknownCategories(where, "not_exhaustive_category_ids", img.notExhaustiveCategoryIds(), categoryIds);
        }
        return byId;
    }

    static String imageWhere(int index, LvisImage img) {
        return "images[" + index + "] (id " + img.id() + ")";
    }

    private void unknownCategories(String where, String key, int[] ids, Set<Integer> categoryIds) {
        for (int i = 0; i < ids.length; i++) {
            if (!categoryIds.contains(ids[i])) {
                error(where, key + "[" + i + "] names unknown category " + ids[i]);
            }
        }
    }

    private void annotations(List<LvisAnnotation> anns, Map<Integer, LvisImage> images, Set<Integer> categoryIds) {
        duplicateAnnotationIds(anns);
        Map<Integer, Set<Integer>> negatives = new HashMap<>();
        for (LvisImage img : images.values()) {
            if (img.negCategoryIds().length > 0) {
                Set<Integer> neg = new HashSet<>();
                for (int id : img.negCategoryIds()) {
                    neg.add(id);
                }
                negatives.put(img.id(), neg);
            }
        }
        for (int i = 0; i < anns.size(); i++) {
            LvisAnnotation a = anns.get(i);
            String where = "annotations[" + i + "] (id " + a.id() + ")";
            LvisImage img = images.get(a.imageId());
            if (img == null) {
                error(where, "image_id " + a.imageId() + " names no image in this file");
            }
            if (!categoryIds.contains(a.categoryId())) {
                error(where, "category_id " + a.categoryId() + " names no category in this file");
            }
            box(where, a, img);
            Set<Integer> neg = negatives.get(a.imageId());
            if (neg != null && neg.contains(a.categoryId())) {
                warnings.add(new DatasetProblem(
                        file,
                        where,
                        "category " + a.categoryId() + " is annotated in image " + a.imageId()
                                + " whose neg_category_ids say it is absent"));
            }
        }
    }

    private void duplicateAnnotationIds(List<LvisAnnotation> anns) {
        // Sorting a copy of the ids instead of hashing them all: LVIS v1 train has 1.3 million annotations.
        long[] ids = anns.stream().mapToLong(LvisAnnotation::id).toArray();
        Arrays.sort(ids);
        boolean any = false;
        for (int i = 1; i < ids.length && !any; i++) {
            any = ids[i] == ids[i - 1];
        }
        if (!any) {
            return;
        }
        Map<Long, Integer> first = new HashMap<>();
        for (int i = 0; i < anns.size(); i++) {
            long id = anns.get(i).id();
            Integer earlier = first.putIfAbsent(id, i);
            if (earlier != null) {
                error(
                        "annotations[" + i + "] (id " + id + ")",
                        "duplicate annotation id " + id + " (first at annotations[" + earlier + "])");
            }
        }
    }

    private void box(String where, LvisAnnotation a, LvisImage img) {
        String box = "bbox [" + num(a.x()) + ", " + num(a.y()) + ", " + num(a.w()) + ", " + num(a.h()) + "]";
        if (a.w() <= 0 || a.h() <= 0) {
            error(
                    where,
                    box + " has " + (a.w() <= 0 ? "width " + num(a.w()) : "height " + num(a.h()))
                            + ": sizes must be positive");
            return;
        }
        if (img == null || img.width() <= 0 || img.height() <= 0) {
            return;
        }
        double t = BOX_TOLERANCE_PX;
        String side = null;
        if (a.x() < -t) {
            side = "left edge x = " + num(a.x()) + " < 0";
        } else if (a.y() < -t) {
            side = "top edge y = " + num(a.y()) + " < 0";
        } else if (a.x() + a.w() > img.width() + t) {
            side = "right edge x + w = " + num(a.x() + a.w()) + " > width " + img.width();
        } else if (a.y() + a.h() > img.height() + t) {
            side = "bottom edge y + h = " + num(a.y() + a.h()) + " > height " + img.height();
        }
        if (side != null) {
            error(
                    where,
                    box + " lies outside image " + img.id() + " (" + img.width() + "x" + img.height()
                            + ") by more than a pixel: " + side);
        }
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}

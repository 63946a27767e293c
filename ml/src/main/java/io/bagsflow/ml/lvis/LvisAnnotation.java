package io.bagsflow.ml.lvis;

import io.bagsflow.ml.mask.Segmentation;

/**
 * One ground-truth instance. {@code area} is the annotation's own area field (LVIS: the mask area), which the
 * official evaluator uses instead of w*h, for bbox and segm alike. {@code segmentation} is null when the file
 * has none or the reader was asked to skip them ({@link LvisDatasetReader#read(java.nio.file.Path)} does, to
 * keep LVIS train small).
 */
public record LvisAnnotation(
        long id,
        int imageId,
        int categoryId,
        double x,
        double y,
        double w,
        double h,
        double area,
        Segmentation segmentation) {

    /** An annotation without a segmentation (box-only data). */
    public LvisAnnotation(long id, int imageId, int categoryId, double x, double y, double w, double h, double area) {
        this(id, imageId, categoryId, x, y, w, h, area, null);
    }
}

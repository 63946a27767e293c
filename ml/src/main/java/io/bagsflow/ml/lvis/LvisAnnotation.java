package io.bagsflow.ml.lvis;

/**
 * One ground-truth box. {@code area} is the annotation's own area field (LVIS: the mask area), which the
 * official evaluator uses instead of w*h. {@code segmentation} holds the object's polygons when they were read
 * or made (null otherwise: readers keep them only when asked, as they are most of an LVIS file's size).
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
        LvisPolygons segmentation) {

    /** A box without a segmentation. */
    public LvisAnnotation(long id, int imageId, int categoryId, double x, double y, double w, double h, double area) {
        this(id, imageId, categoryId, x, y, w, h, area, null);
    }
}

package io.bagsflow.ml.lvis;

/**
 * One ground-truth box. {@code area} is the annotation's own area field (LVIS: the mask area), which the
 * official evaluator uses instead of w*h.
 */
public record LvisAnnotation(
        long id, int imageId, int categoryId, double x, double y, double w, double h, double area) {}

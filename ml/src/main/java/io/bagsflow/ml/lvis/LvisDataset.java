package io.bagsflow.ml.lvis;

import java.util.List;

/**
 * An LVIS-format annotation file (v0.5 or v1) held in memory: images, box annotations and categories.
 * Segmentation polygons are not kept; bagsflow evaluates and trains boxes only.
 */
public record LvisDataset(List<LvisImage> images, List<LvisAnnotation> annotations, List<LvisCategory> categories) {

    public LvisDataset {
        images = List.copyOf(images);
        annotations = List.copyOf(annotations);
        categories = List.copyOf(categories);
    }
}

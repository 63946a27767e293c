package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of the annotations' {@code segmentation} values that a mask head and mask evaluation rely on, on a
 * dataset read with its segmentations: every polygon has at least 3 points and an even number of coordinates, an
 * RLE's size is its image's and its counts decode, and no mask is empty. pycocotools silently drops an odd trailing
 * coordinate and rasterises an RLE at its own size, so these would otherwise give wrong masks rather than errors.
 * An annotation without a segmentation is not a problem here (box-only datasets are fine until masks are asked for).
 */
final class SegmentationChecks {

    private SegmentationChecks() {}

    static void check(LvisDataset d, String file, List<DatasetProblem> errors) {
        Map<Integer, LvisImage> images = new HashMap<>();
        for (LvisImage img : d.images()) {
            images.putIfAbsent(img.id(), img);
        }
        List<LvisAnnotation> anns = d.annotations();
        for (int i = 0; i < anns.size(); i++) {
            LvisAnnotation a = anns.get(i);
            if (a.segmentation() == null) {
                continue;
            }
            String where = "annotations[" + i + "] (id " + a.id() + ") segmentation";
            String problem = problem(a.segmentation(), images.get(a.imageId()));
            if (problem != null) {
                errors.add(new DatasetProblem(file, where, problem));
            }
        }
    }

    /** The first thing wrong with a segmentation of an annotation of this image (null: unknown), or null. */
    static String problem(Segmentation s, LvisImage img) {
        String shape;
        if (s instanceof Segmentation.Polygons p) {
            shape = polygons(p);
        } else if (s instanceof Segmentation.CompressedRle r) {
            shape = size(r.height(), r.width(), img);
        } else {
            Segmentation.UncompressedRle r = (Segmentation.UncompressedRle) s;
            shape = size(r.height(), r.width(), img);
        }
        if (shape != null) {
            return shape;
        }
        if (img == null || img.width() <= 0 || img.height() <= 0) {
            // the annotation checks name the missing or sizeless image; a mask cannot be drawn without its size
            return null;
        }
        Rle mask;
        try {
            mask = s.toRle(img.height(), img.width());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (mask.area() == 0) {
            return "empty mask: it covers no pixel of image " + img.id() + " (" + img.width() + "x" + img.height()
                    + ")";
        }
        return null;
    }

    private static String polygons(Segmentation.Polygons p) {
        if (p.parts().isEmpty()) {
            return "empty mask: the polygon list has no polygon";
        }
        for (int j = 0; j < p.parts().size(); j++) {
            int n = p.parts().get(j).length;
            if (n % 2 != 0) {
                return "polygon " + j + " has an odd number of coordinates (" + n + "): x, y pairs expected";
            }
            if (n < 6) {
                return "polygon " + j + " has " + n / 2 + " point" + (n == 2 ? "" : "s") + ": at least 3 needed";
            }
        }
        return null;
    }

    private static String size(int height, int width, LvisImage img) {
        if (img != null && (height != img.height() || width != img.width())) {
            return "RLE size [" + height + ", " + width + "] (height, width) does not match image " + img.id() + " ("
                    + img.width() + "x" + img.height() + ", so [" + img.height() + ", " + img.width() + "])";
        }
        return null;
    }
}

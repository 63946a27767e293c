package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.LvisFormatException;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;

/**
 * The masks of one segm evaluation, made as lvis-api's {@code _to_mask} makes them ({@code ann_to_rle}: GT and
 * detection polygons rasterised at the image's size, RLEs as given). GT masks are made once, when a category's
 * worker first needs them: every GT slot belongs to one category and every category to one worker, so no two
 * threads write the same slot. Detection masks are made when their (image, category) is matched and then dropped,
 * so only the compact counts in {@link LvisResults} stay in memory.
 */
final class SegmMasks {

    private final GroundTruthIndex gt;
    private final LvisResults results;
    private final String resultsFile;
    private final Rle[] gtMasks;

    SegmMasks(GroundTruthIndex gt, LvisResults results, String resultsFile) {
        this.gt = gt;
        this.results = results;
        this.resultsFile = resultsFile;
        this.gtMasks = new Rle[gt.gtCount()];
    }

    Rle gt(int slot) {
        Rle r = gtMasks[slot];
        if (r == null) {
            Segmentation s = gt.gtSegmentation[slot];
            String record = "annotations (id " + gt.gtId[slot] + ")";
            if (s == null) {
                throw new LvisFormatException(
                        gt.file, record, "has no \"segmentation\"; segm evaluation needs one on every annotation");
            }
            int img = gt.gtImage[slot];
            try {
                r = s.toRle(gt.imageHeight[img], gt.imageWidth[img]);
            } catch (IllegalArgumentException e) {
                throw new LvisFormatException(
                        gt.file, record, "\"segmentation\" is not a valid mask: " + e.getMessage());
            }
            gtMasks[slot] = r;
        }
        return r;
    }

    /** Detection d's mask on image index {@code img}. */
    Rle dt(int d, int img) {
        try {
            Rle r = results.maskAt(d, gt.imageHeight[img], gt.imageWidth[img]);
            if (r == null) {
                throw new LvisFormatException(resultsFile, "[" + d + "]", "has neither \"segmentation\" nor \"bbox\"");
            }
            return r;
        } catch (IllegalArgumentException e) {
            throw new LvisFormatException(
                    resultsFile, "[" + d + "]", "\"segmentation\" is not a valid mask: " + e.getMessage());
        }
    }
}

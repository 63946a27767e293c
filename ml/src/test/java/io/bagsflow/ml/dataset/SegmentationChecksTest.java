package io.bagsflow.ml.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationChecksTest {

    @TempDir
    Path tmp;

    @Test
    void everyBrokenSegmentationIsNamedWithFileRecordAndProblem() throws IOException {
        DatasetFixture f = new DatasetFixture();
        // train image 1 is 40x30, image 2 is 32x32; val image 101 is 40x30
        f.trainAnnotations.set(0, with(f.trainAnnotations.get(0), polygons(new double[] {1, 2, 11, 2})));
        f.trainAnnotations.set(
                1, with(f.trainAnnotations.get(1), polygons(new double[] {20, 5, 35, 5, 35, 25, 20, 25, 20})));
        f.trainAnnotations.set(
                2,
                with(
                        f.trainAnnotations.get(2),
                        new Segmentation.CompressedRle(
                                30, 40, Rle.fromBox(0, 0, 10, 10, 30, 40).toCompressedString())));
        f.valAnnotations.set(0, with(f.valAnnotations.get(0), polygons(new double[] {100, 100, 110, 100, 110, 110})));
        f.valAnnotations.set(1, with(f.valAnnotations.get(1), new Segmentation.UncompressedRle(30, 40, new int[] {5})));
        f.writeTo(tmp);

        DatasetCheck check = DatasetValidator.check(f.train, f.val, f.images, true);

        assertFalse(check.ok());
        assertEquals(
                List.of(
                        f.train + ": annotations[0] (id 10) segmentation: polygon 0 has 2 points: at least 3 needed",
                        f.train + ": annotations[1] (id 11) segmentation: polygon 0 has an odd number of "
                                + "coordinates (9): x, y pairs expected",
                        f.train + ": annotations[2] (id 12) segmentation: RLE size [30, 40] (height, width) does "
                                + "not match image 2 (32x32, so [32, 32])",
                        f.val + ": annotations[0] (id 20) segmentation: empty mask: it covers no pixel of image 101 "
                                + "(40x30)",
                        f.val + ": annotations[1] (id 21) segmentation: RLE counts add up to 5 pixels but its size "
                                + "[30, 40] has 1200"),
                check.report().errors().stream().map(DatasetProblem::message).toList());
        // the same files without the segmentation checks: boxes, ids and images are all fine
        assertTrue(DatasetValidator.check(f.train, f.val, f.images).ok());
    }

    @Test
    void goodPolygonsAndRlesPassAndAnnotationsWithoutSegmentationAreFine() throws IOException {
        DatasetFixture f = new DatasetFixture();
        f.trainAnnotations.set(0, with(f.trainAnnotations.get(0), polygons(new double[] {1, 2, 11, 2, 11, 12, 1, 12})));
        f.trainAnnotations.set(
                2,
                with(
                        f.trainAnnotations.get(2),
                        new Segmentation.CompressedRle(
                                32, 32, Rle.fromBox(0, 0, 32, 32, 32, 32).toCompressedString())));
        f.valAnnotations.set(
                1,
                with(
                        f.valAnnotations.get(1),
                        new Segmentation.Polygons(List.of(
                                new double[] {20, 10, 32, 10, 32, 22, 20, 22}, new double[] {0, 0, 4, 0, 4, 4}))));
        f.writeTo(tmp);

        DatasetCheck check = DatasetValidator.check(f.train, f.val, f.images, true);

        assertEquals(List.of(), check.report().errors());
    }

    private static Segmentation polygons(double[] xy) {
        return new Segmentation.Polygons(List.of(xy));
    }

    private static LvisAnnotation with(LvisAnnotation a, Segmentation s) {
        return new LvisAnnotation(a.id(), a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), a.area(), s);
    }
}

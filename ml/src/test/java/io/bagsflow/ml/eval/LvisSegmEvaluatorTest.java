package io.bagsflow.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisFormatException;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;
import io.bagsflow.ml.testing.LvisGolden;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The segm rules of the golden README on small hand-made cases, and what lvis-api fails on. */
class LvisSegmEvaluatorTest {

    private static final int H = 40;
    private static final int W = 60;

    /** The golden README's segm sanity check: every GT mask of lvis_val_100 as an RLE detection with score 1.0. */
    @Test
    void everyGtMaskAsADetectionGivesTheOfficialNumbers() {
        Path file = LvisGolden.lvisVal100();
        LvisDataset gt = LvisDatasetReader.readWithSegmentations(file);
        LvisResults.Builder dets = LvisResults.builder();
        for (LvisAnnotation a : gt.annotations()) {
            LvisImage img = gt.images().stream()
                    .filter(i -> i.id() == a.imageId())
                    .findFirst()
                    .orElseThrow();
            Rle mask = a.segmentation().toRle(img.height(), img.width());
            dets.add(a.imageId(), a.categoryId(), null, 1.0, mask, LvisResults.MaskKind.COMPRESSED_RLE);
        }

        LvisEvaluation e = new LvisEvaluator(gt, file.toString()).evaluate(dets.build(), "all-gt", IouType.SEGM);

        assertEquals(1.0, e.metrics().ap(), 0.0);
        assertEquals(0.9999999999999998, e.metrics().apr(), 0.0);
        assertEquals(
                58,
                e.perCategory().stream()
                        .filter(c -> c.ap() == 0.9999999999999998)
                        .count());
    }

    @Test
    void maskIouDecidesTheMatchWhereBoxIouWouldNot() {
        // GT: the left half of its box; the detection: the same box, right half. Box IoU 1, mask IoU 0.
        LvisDataset gt = oneImage(square(10, 10, 10, 20));
        Rle right = Rle.fromPolygon(new double[] {20, 10, 30, 10, 30, 30, 20, 30}, H, W);
        LvisResults dt = LvisResults.builder()
                .add(1, 1, new double[] {10, 10, 20, 20}, 0.9, right, LvisResults.MaskKind.COMPRESSED_RLE)
                .build();
        LvisEvaluator evaluator = new LvisEvaluator(gt, "gt");

        assertEquals(1.0, evaluator.evaluate(dt, "dt", IouType.BBOX).metrics().ap50(), 1e-12);
        assertEquals(0.0, evaluator.evaluate(dt, "dt", IouType.SEGM).metrics().ap50(), 0.0);
    }

    @Test
    void withoutABoxOnTheFirstRecordDetectionAreaIsThePixelCount() {
        // GT area field 2000 (large range here irrelevant); an unmatched FP mask of 30 px with a 100 x 100 box:
        // on the mask path it is small, on the box path it is large and so ignored for "small".
        LvisDataset gt = oneImage(square(0, 0, 10, 10));
        Rle gtMask = Rle.fromPolygon(new double[] {0, 0, 10, 0, 10, 10, 0, 10}, H, W);
        Rle fp = Rle.fromPolygon(new double[] {40, 20, 46, 20, 46, 25, 40, 25}, H, W);
        LvisResults maskPath = LvisResults.builder()
                .add(1, 1, null, 0.5, gtMask, LvisResults.MaskKind.COMPRESSED_RLE)
                .add(1, 1, null, 0.9, fp, LvisResults.MaskKind.COMPRESSED_RLE)
                .build();
        LvisResults boxPath = LvisResults.builder()
                .add(1, 1, new double[] {0, 0, 10, 10}, 0.5, gtMask, LvisResults.MaskKind.COMPRESSED_RLE)
                .add(1, 1, new double[] {0, 0, 100, 100}, 0.9, fp, LvisResults.MaskKind.COMPRESSED_RLE)
                .build();
        LvisEvaluator evaluator = new LvisEvaluator(gt, "gt");

        double apsMask =
                evaluator.evaluate(maskPath, "dt", IouType.SEGM).metrics().aps();
        double apsBox =
                evaluator.evaluate(boxPath, "dt", IouType.SEGM).metrics().aps();
        assertTrue(apsMask < apsBox, apsMask + " vs " + apsBox); // the FP counts only on the mask path
        assertEquals(1 / (1 + 0x1p-52), apsBox, 0.0);
    }

    @Test
    void aRecordWithoutBoxAfterAFirstRecordWithOneIsRejectedAsLvisApiFailsOnIt() {
        Rle m = Rle.fromPolygon(new double[] {0, 0, 10, 0, 10, 10, 0, 10}, H, W);
        LvisResults dt = LvisResults.builder()
                .add(1, 1, new double[] {0, 0, 10, 10}, 0.5, m, LvisResults.MaskKind.COMPRESSED_RLE)
                .add(1, 1, null, 0.4, m, LvisResults.MaskKind.COMPRESSED_RLE)
                .build();
        LvisFormatException e = assertThrows(
                LvisFormatException.class,
                () -> new LvisEvaluator(oneImage(square(0, 0, 10, 10)), "gt").evaluate(dt, "dt.json", IouType.SEGM));
        assertEquals("dt.json", e.file());
        assertEquals("[1]", e.where());
        assertTrue(e.getMessage().contains("has no \"bbox\" but the first result record ([0]) has one"));
    }

    @Test
    void polygonsWithoutBoxesAreRejectedAsLvisApiCannotTakeTheirArea() {
        LvisResults dt = LvisResults.builder()
                .addPolygons(1, 1, null, 0.5, List.of(new double[] {0, 0, 10, 0, 10, 10}))
                .build();
        LvisFormatException e = assertThrows(
                LvisFormatException.class,
                () -> new LvisEvaluator(oneImage(square(0, 0, 10, 10)), "gt").evaluate(dt, "dt.json", IouType.SEGM));
        assertEquals("[0]", e.where());
        assertTrue(e.getMessage().contains("segmentation given as polygons"), e.getMessage());
    }

    @Test
    void aGtWithoutSegmentationIsNamedBySegmEvaluation() {
        LvisDataset gt = oneImage(null);
        Rle m = Rle.fromPolygon(new double[] {0, 0, 10, 0, 10, 10, 0, 10}, H, W);
        LvisResults dt = LvisResults.builder()
                .add(1, 1, null, 0.5, m, LvisResults.MaskKind.COMPRESSED_RLE)
                .build();
        LvisFormatException e = assertThrows(
                LvisFormatException.class, () -> new LvisEvaluator(gt, "gt.json").evaluate(dt, "dt", IouType.SEGM));
        assertEquals("gt.json", e.file());
        assertEquals("annotations (id 7)", e.where());
    }

    private static Segmentation square(double x, double y, double w, double h) {
        return new Segmentation.Polygons(List.of(new double[] {x, y, x + w, y, x + w, y + h, x, y + h}));
    }

    private static LvisDataset oneImage(Segmentation s) {
        return new LvisDataset(
                List.of(new LvisImage(1, W, H, "1.jpg", null, new int[0], new int[0])),
                List.of(new LvisAnnotation(7, 1, 1, 10, 10, 20, 20, 100, s)),
                List.of(new LvisCategory(1, "c1", List.of(), null, null, Frequency.FREQUENT, -1, -1)));
    }
}

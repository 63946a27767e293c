package io.bagsflow.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisFormatException;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsReader;
import io.bagsflow.ml.testing.LvisGolden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvisEvaluatorTest {

    private static final double ONE_GT = 1 / (1 + 0x1p-52); // lvis-api's precision for 1 TP, 0 FP: 0.9999999999999998

    /** The golden README's sanity check: every GT of lvis_val_100 as a detection with score 1.0. */
    @Test
    void everyGtAsADetectionGivesTheOfficialNumbers() {
        Path file = LvisGolden.folder().resolve("lvis_val_100.json");
        LvisDataset gt = LvisDatasetReader.read(file);
        LvisResults.Builder dets = LvisResults.builder();
        for (LvisAnnotation a : gt.annotations()) {
            dets.add(a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), 1.0);
        }

        LvisEvaluation e = new LvisEvaluator(gt, file.toString()).evaluate(dets.build(), "all-gt");

        LvisMetrics m = e.metrics();
        for (double v : new double[] {
            m.ap(), m.ap50(), m.ap75(), m.aps(), m.apm(), m.apl(), m.apc(), m.apf(), m.ar(), m.ars(), m.arm(), m.arl()
        }) {
            assertEquals(1.0, v, 0.0);
        }
        assertEquals(0.9999999999999998, m.apr(), 0.0);
        long withGt = e.perCategory().stream().filter(c -> c.numGt() > 0).count();
        long perfect = e.perCategory().stream().filter(c -> c.ap() == 1.0).count();
        long singleGt = e.perCategory().stream()
                .filter(c -> c.ap() == 0.9999999999999998)
                .count();
        long undefined = e.perCategory().stream().filter(c -> c.ap() == -1.0).count();
        assertEquals(190, withGt);
        assertEquals(132, perfect);
        assertEquals(58, singleGt);
        assertEquals(e.perCategory().size() - 190, undefined);
    }

    @Test
    void cutTo300PerImageCountsDetectionsThatLaterFiltersDrop() {
        LvisDataset gt = oneImage();
        // 300 higher-scored detections of category 2, which image 1 does not label: dropped later, yet they fill the
        // cut
        LvisResults.Builder dets = LvisResults.builder();
        for (int i = 0; i < 300; i++) {
            dets.add(1, 2, 0, 0, 10, 10, 0.9);
        }
        dets.add(1, 1, 10, 10, 50, 50, 0.5); // a perfect detection of the labelled category, cut

        LvisEvaluation e = new LvisEvaluator(gt, "gt").evaluate(dets.build(), "dt");

        assertEquals(300, e.counts().afterMaxDetsPerImage());
        assertEquals(0, e.counts().afterFederatedFilter());
        assertEquals(0.0, e.perCategory().get(0).ap());
        assertEquals(-1.0, e.perCategory().get(1).ap());
    }

    @Test
    void theCutKeepsFileOrderAmongEqualScores() {
        LvisDataset gt = oneImage();
        LvisResults.Builder dets = LvisResults.builder();
        dets.add(1, 1, 10, 10, 50, 50, 0.5); // first in the file among 301 equal scores: kept
        for (int i = 0; i < 300; i++) {
            dets.add(1, 2, 0, 0, 10, 10, 0.5);
        }

        LvisEvaluation e = new LvisEvaluator(gt, "gt").evaluate(dets.build(), "dt");

        assertEquals(ONE_GT, e.perCategory().get(0).ap(), 1e-15);
        assertEquals(1, e.perCategory().get(0).numTpIou50());
    }

    @Test
    void unmatchedDetectionsOfNotExhaustiveCategoriesAreIgnored() {
        LvisDataset gt = new LvisDataset(
                List.of(new LvisImage(1, 640, 480, "1.jpg", null, new int[0], new int[] {1})),
                List.of(new LvisAnnotation(1, 1, 1, 10, 10, 50, 50, 2500)),
                List.of(category(1, Frequency.FREQUENT)));
        LvisResults dets = LvisResults.builder()
                .add(1, 1, 300, 300, 50, 50, 0.9) // unmatched: ignored rather than a false positive
                .add(1, 1, 10, 10, 50, 50, 0.8)
                .build();

        CategoryEvaluation c =
                new LvisEvaluator(gt, "gt").evaluate(dets, "dt").perCategory().get(0);

        assertEquals(ONE_GT, c.ap(), 1e-15);
        assertEquals(2, c.numDt());
    }

    @Test
    void emptyResultsAreRejected() {
        LvisFormatException e = assertThrows(
                LvisFormatException.class,
                () -> new LvisEvaluator(oneImage(), "gt.json")
                        .evaluate(LvisResults.builder().build(), "dt.json"));
        assertEquals(
                "dt.json: top level: the results list is empty; there is nothing to evaluate"
                        + " (lvis-api fails on it with an IndexError)",
                e.getMessage());
    }

    @Test
    void emptyResultsFileIsRejectedWithItsName(@TempDir Path dir) throws IOException {
        Path results = Files.writeString(dir.resolve("results.json"), "[]");
        Path annotations = LvisGolden.folder().resolve("lvis_val_100.json");
        LvisFormatException e =
                assertThrows(LvisFormatException.class, () -> LvisEvaluator.evaluate(annotations, results));
        assertEquals(results.toString(), e.file());
        assertEquals("top level", e.where());
    }

    @Test
    void unknownImageIdIsRejectedWithItsRecord() {
        LvisResults dets = LvisResults.builder()
                .add(1, 1, 10, 10, 50, 50, 0.5)
                .add(77, 1, 10, 10, 50, 50, 0.5)
                .build();
        LvisFormatException e = assertThrows(
                LvisFormatException.class, () -> new LvisEvaluator(oneImage(), "gt.json").evaluate(dets, "dt.json"));
        assertEquals("dt.json: [1]: image_id 77 is not an image of the annotation file gt.json", e.getMessage());
    }

    @Test
    void unknownImageIdInAFileNamesTheFile() {
        Path golden = LvisGolden.folder();
        Path results = golden.resolve("public/b1/detections.json");
        LvisFormatException e = assertThrows(
                LvisFormatException.class, () -> LvisEvaluator.evaluate(golden.resolve("lvis_val_100.json"), results));
        assertEquals(results.toString(), e.file());
        assertEquals("[0]", e.where());
    }

    @Test
    void theNumberOfThreadsDoesNotChangeAnyValue() {
        Path golden = LvisGolden.folder();
        LvisDataset gt = LvisDatasetReader.read(golden.resolve("lvis_val_100.json"));
        LvisResults dt = LvisResultsReader.read(golden.resolve("public/a3/detections.json"));

        LvisEvaluation one = new LvisEvaluator(gt, "gt", 1).evaluate(dt, "dt");
        LvisEvaluation three = new LvisEvaluator(gt, "gt", 3).evaluate(dt, "dt");

        assertEquals(one, three);
    }

    /** Image 1 labels category 1 with one 50x50 GT at (10, 10); category 2 exists but is not labelled there. */
    private static LvisDataset oneImage() {
        return new LvisDataset(
                List.of(new LvisImage(1, 640, 480, "1.jpg", null, new int[0], new int[0])),
                List.of(new LvisAnnotation(1, 1, 1, 10, 10, 50, 50, 2500)),
                List.of(category(1, Frequency.FREQUENT), category(2, Frequency.RARE)));
    }

    private static LvisCategory category(int id, Frequency f) {
        return new LvisCategory(id, "c" + id, List.of(), null, null, f, -1, -1);
    }
}

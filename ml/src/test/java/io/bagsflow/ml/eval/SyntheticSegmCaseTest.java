package io.bagsflow.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsWriter;
import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;
import io.bagsflow.ml.testing.LvisGolden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generators of {@code bench eval}'s whole-process cases make valid LVIS data: the segm case evaluates to the
 * official lvis-api's numbers (a small case scored once by the official code, {@code
 * lvis-golden/segm-synthetic}), carries what a Mask R-CNN results file carries, and the LVIS v1-sized bbox case
 * has LVIS v1's frequency mix.
 */
class SyntheticSegmCaseTest {

    @TempDir
    Path dir;

    @Test
    void aSmallSegmCaseWrittenToFilesEvaluatesToTheOfficialNumbersBitForBit() throws IOException {
        EvalCase c = SyntheticSegmCase.generate(40, 30, 150, 340, 7);
        Path gt = dir.resolve("gt.json");
        Path dt = dir.resolve("dt.json");
        LvisDatasetWriter.write(c.annotations(), gt);
        LvisResultsWriter.write(c.detections(), dt);

        LvisEvaluation e = LvisEvaluator.evaluate(gt, dt, IouType.SEGM, 2);

        JsonNode expected = new ObjectMapper()
                .readTree(LvisGolden.folder()
                        .resolve("segm-synthetic/expected.json")
                        .toFile());
        double[] values = e.metrics().values();
        for (int i = 0; i < values.length; i++) {
            String key = LvisMetrics.KEYS.get(i);
            assertEquals(expected.get("results").get(key).doubleValue(), values[i], 0.0, key);
        }
        JsonNode perCategory = expected.get("per_category");
        assertEquals(perCategory.size(), e.perCategory().size());
        for (int i = 0; i < perCategory.size(); i++) {
            JsonNode want = perCategory.get(i);
            CategoryEvaluation got = e.perCategory().get(i);
            assertEquals(want.get("category_id").asInt(), got.categoryId());
            for (int j = 0; j < CategoryEvaluation.KEYS.size(); j++) {
                String key = CategoryEvaluation.KEYS.get(j);
                assertEquals(want.get(key).doubleValue(), got.values().get(j), 0.0, got.categoryId() + " " + key);
            }
        }
        // the case exercises the 300 cut, and every evaluated category has GT
        assertTrue(
                e.counts().afterMaxDetsPerImage() < e.counts().inputDetections(),
                e.counts().toString());
    }

    @Test
    void everyDetectionCarriesACompressedRleAndItsBoxAndEveryGtAPolygonWithItsPixelArea() {
        EvalCase c = SyntheticSegmCase.generate(12, 20, 20, 60, 3);
        LvisResults d = c.detections();
        Map<Integer, LvisImage> images = new HashMap<>();
        for (LvisImage img : c.annotations().images()) {
            images.put(img.id(), img);
        }
        assertTrue(d.size() >= 12 * 20, "at least the minimum per image: " + d.size());
        for (int i = 0; i < d.size(); i++) {
            assertEquals(LvisResults.MaskKind.COMPRESSED_RLE, d.maskKind(i), "detection " + i);
            assertTrue(d.hasBox(i), "detection " + i);
            Rle mask = d.mask(i);
            LvisImage img = images.get(d.imageId(i));
            assertEquals(img.height(), mask.height(), "detection " + i);
            assertEquals(img.width(), mask.width(), "detection " + i);
            double[] box = mask.toBbox();
            assertEquals(List.of(box[0], box[1], box[2], box[3]), List.of(d.x(i), d.y(i), d.w(i), d.h(i)));
        }
        for (LvisAnnotation a : c.annotations().annotations()) {
            Segmentation.Polygons p = assertInstanceOf(Segmentation.Polygons.class, a.segmentation());
            LvisImage img = images.get(a.imageId());
            Rle mask = p.toRle(img.height(), img.width());
            assertEquals(mask.area(), a.area(), 0.0, "annotation " + a.id());
            assertTrue(p.parts().get(0).length >= 16, "annotation " + a.id() + " has at least 8 points");
        }
    }

    @Test
    void theSameArgumentsGiveTheSameSegmCase() {
        EvalCase a = SyntheticSegmCase.generate(5, 10, 30, 80, 11);
        EvalCase b = SyntheticSegmCase.generate(5, 10, 30, 80, 11);
        assertEquals(a.detections().size(), b.detections().size());
        for (int i = 0; i < a.detections().size(); i++) {
            assertEquals(a.detections().mask(i), b.detections().mask(i), "detection " + i);
            assertEquals(a.detections().score(i), b.detections().score(i), 0.0, "detection " + i);
        }
        assertEquals(
                a.annotations().annotations().size(),
                b.annotations().annotations().size());
    }

    @Test
    void theLvisV1SizedCaseHasLvisV1sFrequencyMixWithTheFrequentCategoriesMostPopular() {
        EvalCase c = SyntheticEvalCase.generate(300, 1203, 405, 461, 300, 300, 1);
        Map<Frequency, Integer> groups = new EnumMap<>(Frequency.class);
        for (LvisCategory k : c.annotations().categories()) {
            groups.merge(k.frequency(), 1, Integer::sum);
        }
        assertEquals(Map.of(Frequency.FREQUENT, 405, Frequency.COMMON, 461, Frequency.RARE, 337), groups);
        assertEquals(300 * 300, c.detections().size());
        // category ids 1..405 are the frequent ones and the most popular: they hold most GT
        long frequentGt = c.annotations().annotations().stream()
                .filter(a -> a.categoryId() <= 405)
                .count();
        assertTrue(
                frequentGt > c.annotations().annotations().size() / 2,
                frequentGt + " of " + c.annotations().annotations().size());
    }

    @Test
    void theDefaultFrequencySplitIsStillThirdsSoEarlierFiguresKeepTheirCase() {
        EvalCase thirds = SyntheticEvalCase.generate(20, 30, 10, 50, 5);
        EvalCase explicit = SyntheticEvalCase.generate(20, 30, 10, 10, 10, 50, 5);
        assertEquals(thirds.annotations().categories(), explicit.annotations().categories());
        assertEquals(thirds.detections().size(), explicit.detections().size());
        for (int i = 0; i < thirds.detections().size(); i++) {
            assertEquals(thirds.detections().x(i), explicit.detections().x(i), 0.0);
            assertEquals(thirds.detections().score(i), explicit.detections().score(i), 0.0);
        }
    }
}

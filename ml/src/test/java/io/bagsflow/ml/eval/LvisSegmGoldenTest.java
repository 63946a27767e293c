package io.bagsflow.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.testing.LvisGolden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public segm golden case (lvis-api {@code LVISEval(iou_type="segm")} with pycocotools 2.0.11 on real LVIS
 * v0.5 polygons) must come out within 1e-9 on every value: s1-s3 take detection areas from the masks, s7 from
 * the boxes (its first record has one) and mixes compressed RLE, uncompressed RLE and polygons.
 */
class LvisSegmGoldenTest {

    static List<Path> cases() {
        return LvisGolden.segmCases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesOfficialLvisApiMaskEvaluation(Path caseDir) throws IOException {
        JsonNode expected =
                new ObjectMapper().readTree(caseDir.resolve("expected.json").toFile());
        assertEquals("segm", expected.get("iou_type").asText());
        Path annotations =
                LvisGolden.folder().resolve(expected.get("annotation_file").asText());
        Path detections =
                LvisGolden.folder().resolve(expected.get("detections_file").asText());

        LvisEvaluation e = LvisEvaluator.evaluate(annotations, detections, IouType.SEGM, 2);

        LvisEvaluatorGoldenTest.assertMatches(expected, e);
    }

    static List<Path> extraCases() {
        return List.of(
                LvisGolden.folder().resolve("segm-extra/x4"),
                LvisGolden.folder().resolve("segm-extra/x5"));
    }

    /** Cases of segm-extra/README.md: box-only records scored as box polygons, and a first image over 300. */
    @ParameterizedTest
    @MethodSource("extraCases")
    void matchesOfficialLvisApiOnExtraCases(Path caseDir) throws IOException {
        JsonNode expected =
                new ObjectMapper().readTree(caseDir.resolve("expected.json").toFile());

        LvisEvaluation e =
                LvisEvaluator.evaluate(LvisGolden.lvisVal100(), caseDir.resolve("detections.json"), IouType.SEGM, 2);

        double[] values = e.metrics().values();
        for (int i = 0; i < values.length; i++) {
            String key = LvisMetrics.KEYS.get(i);
            assertEquals(expected.get("results").get(key).doubleValue(), values[i], 1e-9, key);
        }
        JsonNode perCategory = expected.get("per_category");
        assertEquals(perCategory.size(), e.perCategory().size());
        String[] keys = {"ap", "ap50", "ap75", "aps", "apm", "apl", "ar", "ars", "arm", "arl"};
        for (int i = 0; i < perCategory.size(); i++) {
            JsonNode want = perCategory.get(i);
            CategoryEvaluation got = e.perCategory().get(i);
            assertEquals(want.get("category_id").asInt(), got.categoryId());
            for (int j = 0; j < keys.length; j++) {
                assertEquals(
                        want.get(keys[j]).doubleValue(), got.values().get(j), 1e-9, got.categoryId() + " " + keys[j]);
            }
        }
        assertEquals(
                expected.get("counts").get("input_detections").asInt(),
                e.counts().inputDetections());
        assertEquals(
                expected.get("counts").get("after_max_dets_per_image").asInt(),
                e.counts().afterMaxDetsPerImage());
    }
}

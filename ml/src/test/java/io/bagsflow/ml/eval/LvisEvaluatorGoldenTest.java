package io.bagsflow.ml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * Every public golden case (numbers from the unmodified official lvis-api) must come out within 1e-9: the 13
 * summary numbers, every per-category value and the counts of each filtering stage.
 */
class LvisEvaluatorGoldenTest {

    private static final double TOLERANCE = 1e-9;
    private static final String[] CATEGORY_KEYS = {"ap", "ap50", "ap75", "aps", "apm", "apl", "ar", "ars", "arm", "arl"
    };

    static List<Path> cases() {
        return LvisGolden.publicCases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesOfficialLvisApi(Path caseDir) throws IOException {
        JsonNode expected =
                new ObjectMapper().readTree(caseDir.resolve("expected.json").toFile());
        Path annotations =
                LvisGolden.folder().resolve(expected.get("annotation_file").asText());
        Path detections =
                LvisGolden.folder().resolve(expected.get("detections_file").asText());

        LvisEvaluation e = LvisEvaluator.evaluate(annotations, detections);
        assertMatches(expected, e);
    }

    /** Every value of {@code expected.json} (results, per category, counts) within 1e-9 of {@code e}. */
    static void assertMatches(JsonNode expected, LvisEvaluation e) {
        JsonNode results = expected.get("results");
        double[] values = e.metrics().values();
        for (int i = 0; i < values.length; i++) {
            String key = LvisMetrics.KEYS.get(i);
            assertEquals(results.get(key).doubleValue(), values[i], TOLERANCE, key);
        }

        JsonNode perCategory = expected.get("per_category");
        assertEquals(perCategory.size(), e.perCategory().size());
        for (int i = 0; i < perCategory.size(); i++) {
            JsonNode want = perCategory.get(i);
            CategoryEvaluation got = e.perCategory().get(i);
            String at = "category " + want.get("category_id").asInt();
            assertEquals(want.get("category_id").asInt(), got.categoryId());
            assertEquals(want.get("frequency").asText(), got.frequency().code(), at);
            for (int j = 0; j < CATEGORY_KEYS.length; j++) {
                assertEquals(
                        want.get(CATEGORY_KEYS[j]).doubleValue(),
                        got.values().get(j),
                        TOLERANCE,
                        at + " " + CATEGORY_KEYS[j]);
            }
            assertArrayEquals(doubles(want.get("ap_per_iou")), unbox(got.apPerIou()), TOLERANCE, at + " ap_per_iou");
            assertArrayEquals(
                    doubles(want.get("recall_per_iou")), unbox(got.recallPerIou()), TOLERANCE, at + " recall_per_iou");
            assertEquals(want.get("num_gt").asInt(), got.numGt(), at + " num_gt");
            assertEquals(want.get("num_dt").asInt(), got.numDt(), at + " num_dt");
            assertEquals(want.get("num_tp_iou50").asInt(), got.numTpIou50(), at + " num_tp_iou50");
        }

        JsonNode counts = expected.get("counts");
        EvalCounts n = e.counts();
        assertEquals(counts.get("input_detections").asInt(), n.inputDetections());
        assertEquals(counts.get("after_max_dets_per_image").asInt(), n.afterMaxDetsPerImage());
        assertEquals(
                counts.get("after_category_and_positive_area_filter").asInt(), n.afterCategoryAndPositiveAreaFilter());
        assertEquals(counts.get("after_federated_filter").asInt(), n.afterFederatedFilter());
        assertEquals(counts.get("gt_annotations_used").asInt(), n.gtAnnotationsUsed());
        assertEquals(counts.get("images").asInt(), n.images());
        assertEquals(counts.get("categories").asInt(), n.categories());
        assertEquals(counts.get("categories_with_gt").asInt(), n.categoriesWithGt());
        assertEquals(counts.get("categories_with_ap").asInt(), n.categoriesWithAp());
        JsonNode groups = counts.get("freq_group_sizes");
        assertEquals(groups.get("r").asInt(), n.rareCategories());
        assertEquals(groups.get("c").asInt(), n.commonCategories());
        assertEquals(groups.get("f").asInt(), n.frequentCategories());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void thresholdsAreTheExactNumpyValues(Path caseDir) throws IOException {
        JsonNode params = new ObjectMapper()
                .readTree(caseDir.resolve("expected.json").toFile())
                .get("params");
        assertArrayEquals(doubles(params.get("iou_thrs")), LvisEvalParams.iouThresholds(), 0.0);
        assertArrayEquals(doubles(params.get("rec_thrs")), LvisEvalParams.recallThresholds(), 0.0);
        assertEquals(
                LvisEvalParams.MAX_DETS_PER_IMAGE,
                params.get("max_dets_per_image").asInt());
        for (int a = 0; a < LvisEvalParams.A; a++) {
            assertArrayEquals(doubles(params.get("area_rng").get(a)), LvisEvalParams.areaRange(a), 0.0);
        }
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).doubleValue();
        }
        return out;
    }

    static double[] unbox(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

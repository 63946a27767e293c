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
}

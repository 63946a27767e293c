package io.bagsflow.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.testing.LvisGolden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvisEvaluationOutputTest {

    @TempDir
    Path dir;

    @Test
    void markdownTableFollowsLvisApiRows() {
        LvisMetrics m = new LvisMetrics(
                0.4116336633663366,
                0.4801980198019802,
                0.4801980198019802,
                0.36666666666666664,
                0.5400577557755775,
                0.5933168316831683,
                -1.0,
                0.25,
                0.5732673267326732,
                0.575,
                0.5333333333333333,
                0.7125,
                0.6666666666666667);
        assertEquals("""
                | Type | IoU | Area | MaxDets | CatIds | Result |
                |---|---|---|---|---|---|
                | (AP) | 0.50:0.95 | all | 300 | all | 41.16 |
                | (AP) | 0.50 | all | 300 | all | 48.02 |
                | (AP) | 0.75 | all | 300 | all | 48.02 |
                | (AP) | 0.50:0.95 | s | 300 | all | 36.67 |
                | (AP) | 0.50:0.95 | m | 300 | all | 54.01 |
                | (AP) | 0.50:0.95 | l | 300 | all | 59.33 |
                | (AP) | 0.50:0.95 | all | 300 | r | -1.00 |
                | (AP) | 0.50:0.95 | all | 300 | c | 25.00 |
                | (AP) | 0.50:0.95 | all | 300 | f | 57.33 |
                | (AR) | 0.50:0.95 | all | 300 | all | 57.50 |
                | (AR) | 0.50:0.95 | s | 300 | all | 53.33 |
                | (AR) | 0.50:0.95 | m | 300 | all | 71.25 |
                | (AR) | 0.50:0.95 | l | 300 | all | 66.67 |
                """, LvisSummaryTable.markdown(m));
    }

    @Test
    void jsonReadsBackToTheSameDoubles() {
        LvisEvaluation e = evaluateCase("a3");
        Path file = dir.resolve("eval.json");

        LvisEvaluationJson.write(e, file);

        assertEquals(e, LvisEvaluationJson.read(file));
    }

    @Test
    void jsonUsesTheKeysOfTheGoldenExpectedFiles() throws IOException {
        Path file = dir.resolve("eval.json");
        LvisEvaluationJson.write(evaluateCase("b1"), file);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode written = mapper.readTree(file.toFile());
        JsonNode expected = mapper.readTree(
                LvisGolden.folder().resolve("public/b1/expected.json").toFile());

        assertEquals(names(expected.get("results")), names(written.get("results")));
        assertEquals(
                names(expected.get("per_category").get(0)),
                names(written.get("per_category").get(0)));
        assertEquals(names(expected.get("counts")), names(written.get("counts")));
        assertEquals(-1.0, written.get("results").get("APr").doubleValue());
        assertEquals("-1.0", written.get("results").get("APr").toString());
        assertEquals(
                expected.get("per_category").size(), written.get("per_category").size());
    }

    private static LvisEvaluation evaluateCase(String name) {
        Path golden = LvisGolden.folder();
        Path annotations = name.startsWith("a")
                ? golden.resolve("lvis_val_100.json")
                : golden.resolve("public/" + name + "/annotations.json");
        return LvisEvaluator.evaluate(annotations, golden.resolve("public/" + name + "/detections.json"));
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}

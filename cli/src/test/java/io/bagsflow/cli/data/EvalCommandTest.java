package io.bagsflow.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.ml.testing.LvisGolden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bagsflow eval} as users run it: the golden cases through the command line and its --json output. */
class EvalCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theJsonOutputMatchesTheOfficialNumbersOfEveryGoldenCase(@TempDir Path dir) throws Exception {
        for (Path caseDir : LvisGolden.publicCases()) {
            JsonNode expected = JSON.readTree(caseDir.resolve("expected.json").toFile());
            Path gt =
                    LvisGolden.folder().resolve(expected.path("annotation_file").asText());
            Path out = dir.resolve(caseDir.getFileName() + ".json");

            CommandOutput run = CommandOutput.run(
                    Map.of(),
                    "eval",
                    "--gt",
                    gt.toString(),
                    "--dt",
                    caseDir.resolve("detections.json").toString(),
                    "--json",
                    out.toString());

            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().startsWith("| Type | IoU | Area | MaxDets | CatIds | Result |"), run.out());
            JsonNode actual = JSON.readTree(out.toFile());
            assertClose(expected.path("results"), actual.path("results"), caseDir + " results");
            JsonNode ep = expected.path("per_category");
            JsonNode ap = actual.path("per_category");
            assertEquals(ep.size(), ap.size());
            for (int i = 0; i < ep.size(); i++) {
                for (String key : new String[] {"ap", "ap50", "ap75", "aps", "apm", "apl", "ar", "ars", "arm", "arl"}) {
                    assertEquals(
                            ep.get(i).path("category_id").asInt(),
                            ap.get(i).path("category_id").asInt());
                    assertEquals(
                            ep.get(i).path(key).asDouble(),
                            ap.get(i).path(key).asDouble(),
                            1e-9,
                            caseDir + " category " + ep.get(i).path("category_id") + " " + key);
                }
            }
        }
    }

    @Test
    void segmIouTypeGivesTheOfficialMaskNumbersOfEverySegmGoldenCase(@TempDir Path dir) throws Exception {
        for (Path caseDir : LvisGolden.segmCases()) {
            JsonNode expected = JSON.readTree(caseDir.resolve("expected.json").toFile());
            Path out = dir.resolve(caseDir.getFileName() + ".json");

            CommandOutput run = CommandOutput.run(
                    Map.of(),
                    "eval",
                    "--gt",
                    LvisGolden.folder()
                            .resolve(expected.path("annotation_file").asText())
                            .toString(),
                    "--dt",
                    caseDir.resolve("detections.json").toString(),
                    "--iou-type",
                    "segm",
                    "--json",
                    out.toString());

            assertEquals(0, run.exitCode(), run.err());
            assertClose(expected.path("results"), JSON.readTree(out.toFile()).path("results"), caseDir + " results");
        }
    }

    @Test
    void anUnknownIouTypeIsAUsageErrorNamingTheChoices() {
        CommandOutput run =
                CommandOutput.run(Map.of(), "eval", "--gt", "x.json", "--dt", "y.json", "--iou-type", "mask");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("expected bbox or segm"), run.err());
    }

    @Test
    void aMalformedMaskIsOneClearLineNamingRecordAndPosition(@TempDir Path dir) throws Exception {
        Path dt = dir.resolve("bad.json");
        Files.writeString(
                dt,
                "[{\"image_id\": 1, \"category_id\": 1, \"segmentation\": {\"size\": [4, 4], \"counts\": [3, 2]},"
                        + " \"score\": 0.5}]");
        CommandOutput run = CommandOutput.run(
                Map.of(),
                "eval",
                "--gt",
                LvisGolden.lvisVal100().toString(),
                "--dt",
                dt.toString(),
                "--iou-type",
                "segm");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("error: " + dt + ": [0], line 1"), run.err());
        assertTrue(run.err().contains("RLE counts add up to 5 pixels but its size [4, 4] has 16"), run.err());
    }

    @Test
    void aMalformedResultsFileIsOneClearLineAndExitCodeOne(@TempDir Path dir) throws Exception {
        Path dt = dir.resolve("bad.json");
        Files.writeString(dt, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, -3, 4], \"score\": 0.5}]");
        CommandOutput run = CommandOutput.run(
                Map.of(), "eval", "--gt", LvisGolden.lvisVal100().toString(), "--dt", dt.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("error: " + dt + ": [0], line 1"), run.err());
        assertTrue(run.err().contains("negative width"), run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void aMissingOptionIsAUsageErrorWithExitCodeTwo() {
        CommandOutput run = CommandOutput.run(Map.of(), "eval", "--gt", "x.json");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--dt"), run.err());
    }

    private static void assertClose(JsonNode expected, JsonNode actual, String what) {
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            assertEquals(expected.path(key).asDouble(), actual.path(key).asDouble(), 1e-9, what + " " + key);
        }
    }
}

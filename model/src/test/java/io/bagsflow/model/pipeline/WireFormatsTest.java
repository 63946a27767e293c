package io.bagsflow.model.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.Stage;
import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SynthSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON that users, stored artifacts and recorded workflow histories hold keeps its names. */
class WireFormatsTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theSpecKeyStaysGenerationsWhileTheCodeCallsThemKinds() throws Exception {
        PipelineSpec spec = json.readValue(
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, " + "\"generations\": [\"bags\", \"crt\"]}",
                PipelineSpec.class);
        assertEquals(List.of("bags", "crt"), spec.kinds());

        JsonNode written = json.valueToTree(new PipelineSpec(
                new DatasetSpec(new SynthSpec("tiny", 7L), null, null, null),
                null,
                null,
                null,
                List.of("bags"),
                null,
                null,
                null));
        assertEquals("[\"bags\"]", written.get("generations").toString());
        assertFalse(written.has("kinds"), written.toString());
    }

    @Test
    void aStageInputScheduledByOlderCodeStillNamesItsKind() throws Exception {
        StageInput old =
                json.readValue("{\"runId\": \"run-1\", \"part\": \"bags\", \"artifacts\": {}}", StageInput.class);
        assertEquals("bags", old.kind());
        assertEquals(
                "bags",
                json.readValue(json.writeValueAsString(old), StageInput.class).kind());
    }

    @Test
    void aTrainingCurveIsReadAsItWasWritten() throws Exception {
        String stored = "{\"kind\": \"bags\", \"skipped_steps\": 1, \"images_per_second\": 12.5, \"points\": "
                + "[{\"iteration\": 10, \"losses\": {\"cls\": 0.5, \"box\": 0.25}, \"total\": 0.75}]}";
        TrainingCurve curve = json.readValue(stored, TrainingCurve.class);
        assertEquals(
                new TrainingCurve(
                        "bags", 1, 12.5, List.of(new TrainingCurve.Point(10, Map.of("cls", 0.5, "box", 0.25), 0.75))),
                curve);
        assertEquals(json.readTree(stored), json.valueToTree(curve));
    }

    @Test
    void partKeysNameTheAttemptPartsAsStored() {
        assertEquals(new PartKey(Stage.EVALUATE, "bags/predict"), PartKey.predict("bags"));
        assertEquals("bags/score", PartKey.score("bags").part());
        assertEquals(new PartKey(Stage.TRAIN_BASE, "base"), PartKey.base());
        assertEquals("", PartKey.whole(Stage.PREPARE).part());
        assertEquals("EVALUATE/report", PartKey.report().toString());
        assertThrows(IllegalArgumentException.class, () -> new PartKey(null, "x"));
    }

    @Test
    void artifactNamesAndFailureTypesKeepTheirWireSpelling() {
        assertEquals("checkpoint/base", ArtifactNames.checkpoint(ModelRef.BASE));
        assertEquals("curve/bags", ArtifactNames.curve("bags"));
        assertEquals("results/crt", ArtifactNames.results("crt"));
        // Temporal failure types in recorded histories and error classes in stored attempts: renaming one breaks both
        assertEquals(
                List.of(
                        "InvalidInput",
                        "CorruptInput",
                        "WorkerLost",
                        "Cancelled",
                        "CorruptArtifact",
                        "DatabaseUnavailable",
                        "S3Unavailable",
                        "WorkerStopped",
                        "RunEnded",
                        "Aborted"),
                Arrays.stream(FailureType.values()).map(Enum::name).toList());
        assertTrue(FailureType.CorruptInput.is("CorruptInput"));
    }
}

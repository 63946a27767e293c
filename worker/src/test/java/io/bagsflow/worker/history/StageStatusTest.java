package io.bagsflow.worker.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.db.AttemptStatus;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.StageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A stage's status in the run history counts every part the run's spec asks for, not only those attempted. */
class StageStatusTest {

    private static final String TWO_KINDS =
            "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 5}}, \"generations\": [\"bags\", \"crt\"]}";

    private static StageAttempt attempt(Stage stage, String part, AttemptStatus status) {
        Instant t = Instant.parse("2026-12-06T12:00:00Z");
        return new StageAttempt(
                1, "run-1", stage, part, 1, "key", status, "w", t, t, null, null, null, null, null, Map.of());
    }

    @Test
    void anAbortedRunWhoseFineTuneFinishedOnlyOneOfItsKindsDidNotSucceedAtFineTuning() {
        Set<String> expected = RunHistory.expectedParts(TWO_KINDS).get(Stage.FINETUNE_BAGS);

        StageStatus status = RunHistory.stageStatus(
                List.of(attempt(Stage.FINETUNE_BAGS, "crt", AttemptStatus.SUCCEEDED)),
                RunStatus.ABORTED,
                false,
                expected);

        assertEquals(StageStatus.FAILED, status);
    }

    @Test
    void aStageSucceedsOnceEveryPartTheSpecAsksForHasCompleted() {
        Set<String> expected = RunHistory.expectedParts(TWO_KINDS).get(Stage.FINETUNE_BAGS);

        assertEquals(
                StageStatus.RUNNING,
                RunHistory.stageStatus(
                        List.of(attempt(Stage.FINETUNE_BAGS, "crt", AttemptStatus.SUCCEEDED)),
                        RunStatus.RUNNING,
                        true,
                        expected));
        assertEquals(
                StageStatus.SUCCEEDED,
                RunHistory.stageStatus(
                        List.of(
                                attempt(Stage.FINETUNE_BAGS, "crt", AttemptStatus.SUCCEEDED),
                                attempt(Stage.FINETUNE_BAGS, "bags", AttemptStatus.REUSED)),
                        RunStatus.ABORTED,
                        true,
                        expected));
    }

    @Test
    void evaluationExpectsPredictionsAndScoresOfEveryModelAndTheReport() {
        assertEquals(
                Set.of(
                        "base/predict",
                        "base/score",
                        "bags/predict",
                        "bags/score",
                        "crt/predict",
                        "crt/score",
                        "report"),
                RunHistory.expectedParts(TWO_KINDS).get(Stage.EVALUATE));
        assertEquals(Set.of(), RunHistory.expectedParts("not json").get(Stage.EVALUATE));
    }
}

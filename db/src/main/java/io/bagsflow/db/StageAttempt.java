package io.bagsflow.db;

import io.bagsflow.model.Stage;
import java.time.Instant;
import java.util.Map;

/**
 * A row of {@code stage_attempt} with its named outputs (artifact sha256 by output name).
 * {@code part} names the model a per-model stage works on
 * (empty for PREPARE and TRAIN_BASE).
 */
public record StageAttempt(
        long id,
        String runId,
        Stage stage,
        String part,
        int attempt,
        String stageKey,
        AttemptStatus status,
        String worker,
        Instant startedAt,
        Instant endedAt,
        String progressJson,
        Integer resumedFromIteration,
        Long reusedAttemptId,
        String errorClass,
        String errorMessage,
        Map<String, String> outputs) {

    /** This attempt with these outputs. */
    public StageAttempt withOutputs(Map<String, String> outputs) {
        return new StageAttempt(
                id,
                runId,
                stage,
                part,
                attempt,
                stageKey,
                status,
                worker,
                startedAt,
                endedAt,
                progressJson,
                resumedFromIteration,
                reusedAttemptId,
                errorClass,
                errorMessage,
                outputs);
    }
}

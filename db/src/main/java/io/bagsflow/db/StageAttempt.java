package io.bagsflow.db;

import java.time.Instant;
import java.util.Map;

/**
 * A row of {@code stage_attempt} with its named outputs (artifact sha256 by output name).
 * {@code status} is RUNNING, SUCCEEDED, FAILED or REUSED.
 */
public record StageAttempt(
        long id,
        String runId,
        String stage,
        int attempt,
        String stageKey,
        String status,
        String worker,
        Instant startedAt,
        Instant endedAt,
        String progressJson,
        Integer resumedFromIteration,
        Long reusedAttemptId,
        String errorClass,
        String errorMessage,
        Map<String, String> outputs) {
}

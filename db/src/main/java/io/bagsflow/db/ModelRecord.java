package io.bagsflow.db;

import java.time.Instant;

/**
 * A row of {@code model}: one trained detector generation. {@code kind} is base, bags, or a baseline
 * (control, crt, rfs, reweight_cls, tau_norm); generation 0 has no parent.
 */
public record ModelRecord(
        String id,
        String runId,
        int generation,
        String kind,
        String parentModelId,
        String checkpointSha256,
        String manifestSha256,
        String groupsSha256,
        String configJson,
        String codeVersion,
        Long stageAttemptId,
        Instant createdAt) {}

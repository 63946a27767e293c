package io.bagsflow.db;

import java.time.Instant;

/** A row of {@code experiment}; {@code status} is RUNNING, SUCCEEDED, FAILED or ABORTED. */
public record ExperimentRecord(String id, String specJson, String status, String codeVersion, Instant createdAt,
                               Instant endedAt) {
}

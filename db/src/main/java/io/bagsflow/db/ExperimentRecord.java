package io.bagsflow.db;

import io.bagsflow.model.ExperimentStatus;
import java.time.Instant;

/** A row of {@code experiment}. */
public record ExperimentRecord(
        String id, String specJson, ExperimentStatus status, String codeVersion, Instant createdAt, Instant endedAt) {}

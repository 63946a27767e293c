package io.bagsflow.db;

import java.time.Instant;

/** A row of {@code model_alias}: a name a user gave a model, and when it last moved. */
public record ModelAlias(String name, String modelId, Instant updatedAt) {}

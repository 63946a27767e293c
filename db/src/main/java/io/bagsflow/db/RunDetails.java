package io.bagsflow.db;

import java.util.List;

/** One run with everything {@code runs show} prints: its attempts (stage order, then attempt) and artifacts. */
public record RunDetails(PipelineRun run, List<StageAttempt> attempts, List<ArtifactRecord> artifacts) {}

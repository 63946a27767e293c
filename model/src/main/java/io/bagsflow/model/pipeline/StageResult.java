package io.bagsflow.model.pipeline;

import java.util.List;
import java.util.Map;

/**
 * What a stage activity produced: its named output artifacts, the models it recorded, whether it reused an earlier
 * attempt instead of computing, and the seconds its own work took (to measure orchestration overhead).
 */
public record StageResult(
        Map<String, ArtifactRef> outputs, List<ModelRef> models, boolean reused, long attemptId, double seconds) {}

package io.bagsflow.model.pipeline;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.bagsflow.model.spec.PipelineSpec;
import java.util.Map;

/**
 * What every stage activity gets: the run, the spec, the kind of the model the part makes or works on
 * ({@code base} for TRAIN_BASE, a generation-1 kind for fine-tuning and evaluation, empty for PREPARE and the
 * report), the artifacts of the earlier stages by name, and the model it works on (the base for fine-tuning, the
 * evaluated one for evaluation). {@code kind} was called {@code part} in activity tasks scheduled by older code.
 */
public record StageInput(
        String runId,
        PipelineSpec spec,
        @JsonAlias("part") String kind,
        Map<String, ArtifactRef> artifacts,
        ModelRef model) {}

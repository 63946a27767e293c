package io.bagsflow.workflows.pipeline;

import io.bagsflow.workflows.spec.PipelineSpec;

import java.util.Map;

/**
 * What every stage activity gets: the run, the spec, the part of the stage it does (a model kind for the
 * fine-tune and evaluation stages, empty otherwise), the artifacts of the earlier stages by name, and the model
 * it works on (the base for fine-tuning, the evaluated one for evaluation).
 */
public record StageInput(
        String runId,
        PipelineSpec spec,
        String part,
        Map<String, ArtifactRef> artifacts,
        ModelRef model) {
}

package io.bagsflow.model.pipeline;

import io.bagsflow.model.Stage;
import io.bagsflow.model.spec.PipelineSpec;

/**
 * Starts a run: its id (also the workflow id), the spec, and optionally an earlier run whose outputs are taken for
 * every stage before {@code resumeFromStage}.
 */
public record PipelineRequest(String runId, PipelineSpec spec, String resumeFromRun, Stage resumeFromStage) {

    public static PipelineRequest of(String runId, PipelineSpec spec) {
        return new PipelineRequest(runId, spec, null, null);
    }
}

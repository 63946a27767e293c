package io.bagsflow.workflows.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Determinism guard: a history recorded from this version of {@link ExperimentWorkflowImpl} (four cells, two at a
 * time) must replay on the current code; a change that breaks it needs {@code Workflow.getVersion}. Re-record with
 * {@code -Dbagsflow.recordHistory=true} (ExperimentWorkflowTest writes it) only when the contract changes on purpose.
 */
@Timeout(60)
class ExperimentWorkflowReplayTest {

    static final String HISTORY = "/histories/experiment-grid.json";

    @Test
    void aRecordedExperimentReplaysOnTheCurrentCode() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream(HISTORY)) {
            assertTrue(in != null, "missing recorded history " + HISTORY);
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        WorkflowReplayer.replayWorkflowExecution(json, ExperimentWorkflowImpl.class);
    }
}

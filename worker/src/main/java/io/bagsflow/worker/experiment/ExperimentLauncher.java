package io.bagsflow.worker.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.experiment.ExperimentSpecs;
import io.bagsflow.activities.pipeline.InvalidInputException;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.ExperimentRecord;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.ExperimentRepository.PlannedCell;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.experiment.ExperimentCell;
import io.bagsflow.model.experiment.ExperimentPlan;
import io.bagsflow.model.experiment.ExperimentProgress;
import io.bagsflow.model.experiment.ExperimentRequest;
import io.bagsflow.model.experiment.ExperimentSpec;
import io.bagsflow.worker.pipeline.PipelineLauncher;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.experiment.ExperimentWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.List;

/**
 * Starts experiments and talks to running ones. As for runs, the experiment and its planned cells are recorded in
 * PostgreSQL first, then its workflow starts with the experiment id as workflow id.
 */
public final class ExperimentLauncher {

    /** Plain Jackson: keeps the grid's key order in a cell's parameters. */
    private static final ObjectMapper JSON = JsonMappers.strict();

    private final WorkflowClient client;
    private final ExperimentRepository experiments;

    public ExperimentLauncher(WorkflowClient client, ExperimentRepository experiments) {
        this.client = client;
        this.experiments = experiments;
    }

    /** Checks every cell's spec, records the experiment, starts it, and returns its id. */
    public String start(ExperimentSpec spec) {
        ExperimentSpecs.check(spec, "experiment");
        String id = ExperimentIds.next();
        List<ExperimentCell> cells = ExperimentPlan.cells(id, spec);
        List<PlannedCell> planned = cells.stream()
                .map(c -> new PlannedCell(c.index(), json(c), c.seed(), c.runId()))
                .toList();
        experiments.create(id, PipelineSpecs.toJson(spec), CodeVersion.get(), planned);
        try {
            WorkflowClient.start(
                    client.newWorkflowStub(
                            ExperimentWorkflow.class,
                            WorkflowOptions.newBuilder()
                                    .setWorkflowId(id)
                                    .setTaskQueue(TaskQueues.CPU)
                                    .build())::run,
                    new ExperimentRequest(id, spec));
        } catch (RuntimeException e) {
            // a start that timed out may have started the workflow: Temporal is asked before the record fails it
            try {
                if (PipelineLauncher.describe(client, id).isPresent()) {
                    return id;
                }
            } catch (RuntimeException unreachable) {
                // unknown: the record stays RUNNING; the reconciler ends it if Temporal never got it
                e.addSuppressed(unreachable);
                throw e;
            }
            experiments.updateStatus(id, ExperimentStatus.FAILED);
            throw e;
        }
        return id;
    }

    /** Blocks until the experiment ends. */
    public ExperimentProgress await(String experimentId) {
        return WorkflowStub.fromTyped(stub(experimentId)).getResult(ExperimentProgress.class);
    }

    /** The workflow's own view of its cells (from Temporal). */
    public ExperimentProgress progress(String experimentId) {
        return stub(experimentId).progress();
    }

    public void abort(String experimentId, String reason) {
        ExperimentRecord e = experiments
                .find(experimentId)
                .orElseThrow(() -> new InvalidInputException(
                        "unknown experiment " + experimentId + " (see `bagsflow experiment list`)"));
        if (e.status() != ExperimentStatus.RUNNING) {
            throw new InvalidInputException("experiment " + experimentId + " has already ended (" + e.status() + ")");
        }
        stub(experimentId).abort(reason);
    }

    private ExperimentWorkflow stub(String experimentId) {
        return client.newWorkflowStub(ExperimentWorkflow.class, experimentId);
    }

    private static String json(ExperimentCell cell) {
        try {
            return JSON.writeValueAsString(cell.params());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

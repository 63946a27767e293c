package io.bagsflow.worker.pipeline;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.pipeline.InvalidInputException;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.PipelineRun;
import io.bagsflow.db.RunRepository;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.pipeline.PipelineRequest;
import io.bagsflow.workflows.pipeline.PipelineResult;
import io.bagsflow.workflows.pipeline.PipelineStatus;
import io.bagsflow.workflows.pipeline.PipelineWorkflow;
import io.bagsflow.workflows.pipeline.RetryRequest;
import io.bagsflow.workflows.pipeline.Stage;
import io.bagsflow.workflows.spec.PipelineSpec;
import io.bagsflow.workflows.spec.SpecOverrides;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;

import java.util.Map;

/**
 * Starts pipeline runs and talks to running ones: the run is recorded in PostgreSQL first (so it is in the
 * history even if Temporal refuses it), then its workflow starts with the run id as workflow id.
 */
public final class PipelineLauncher {

    private final WorkflowClient client;
    private final RunRepository runs;

    public PipelineLauncher(WorkflowClient client, RunRepository runs) {
        this.client = client;
        this.runs = runs;
    }

    /** Starts a run and returns its id. With {@code resumeFromRun}, stages before {@code fromStage} come from it. */
    public String start(PipelineSpec spec, String resumeFromRun, Stage fromStage) {
        PipelineSpec full = spec.withDefaults();
        PipelineSpecs.check(full, "spec");
        if (resumeFromRun != null) {
            if (fromStage == null) {
                throw new InvalidInputException("--resume-from needs --from STAGE");
            }
            if (runs.findRun(resumeFromRun).isEmpty()) {
                throw new InvalidInputException("unknown run " + resumeFromRun + " (see `bagsflow runs list`)");
            }
            for (Stage s : Stage.values()) {
                if (s.ordinal() < fromStage.ordinal() && runs.findCompletedAttempts(resumeFromRun, s.name()).isEmpty()) {
                    throw new InvalidInputException("run " + resumeFromRun + " has no completed " + s
                            + " stage, so it cannot be resumed from " + fromStage);
                }
            }
        }
        String runId = RunIds.next();
        runs.createRun(runId, runId, PipelineSpecs.toJson(full), CodeVersion.get(), full.dataset().label(),
                resumeFromRun);
        try {
            WorkflowClient.start(stub(runId, true)::run, new PipelineRequest(runId, full, resumeFromRun, fromStage));
        } catch (RuntimeException e) {
            runs.updateRunStatus(runId, "FAILED");
            throw e;
        }
        return runId;
    }

    /** Blocks until the run ends and returns how it ended. */
    public PipelineResult await(String runId) {
        return WorkflowStub.fromTyped(stub(runId, false)).getResult(PipelineResult.class);
    }

    public PipelineStatus status(String runId) {
        return stub(runId, false).status();
    }

    /** Signals a run that waits for a retry; the overrides are checked here first, so a typo is refused at once. */
    public void retry(String runId, Map<String, String> overrides) {
        PipelineRun run = runs.findRun(runId).orElseThrow(() -> new InvalidInputException("unknown run " + runId
                + " (see `bagsflow runs list`)"));
        if (!run.status().equals("WAITING_FOR_RETRY")) {
            throw new InvalidInputException("run " + runId + " is " + run.status()
                    + "; only a run WAITING_FOR_RETRY can be retried");
        }
        PipelineSpec spec = PipelineSpecs.parse(run.specJson());
        try {
            PipelineSpecs.check(SpecOverrides.apply(spec, overrides), "--set");
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--set: " + e.getMessage());
        }
        stub(runId, false).retryStage(new RetryRequest(Map.copyOf(overrides)));
    }

    public void abort(String runId, String reason) {
        PipelineRun run = runs.findRun(runId).orElseThrow(() -> new InvalidInputException("unknown run " + runId));
        if (!run.status().equals("RUNNING") && !run.status().equals("WAITING_FOR_RETRY")) {
            throw new InvalidInputException("run " + runId + " has already ended (" + run.status() + ")");
        }
        stub(runId, false).abort(reason);
    }

    private PipelineWorkflow stub(String runId, boolean forStart) {
        if (!forStart) {
            return client.newWorkflowStub(PipelineWorkflow.class, runId);
        }
        return client.newWorkflowStub(PipelineWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(runId)
                .setTaskQueue(TaskQueues.CPU)
                .build());
    }
}

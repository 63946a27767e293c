package io.bagsflow.worker.pipeline;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.pipeline.InvalidInputException;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.Interleaving;
import io.bagsflow.db.PipelineRun;
import io.bagsflow.db.RunLabelRepository;
import io.bagsflow.db.RunLabels;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.PipelineRequest;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.pipeline.PipelineStatus;
import io.bagsflow.model.pipeline.RetryRequest;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SpecOverrides;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.pipeline.PipelineWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts pipeline runs and talks to running ones: the run is recorded in PostgreSQL first (so it is in the
 * history even if Temporal refuses it), then its workflow starts with the run id as workflow id.
 */
public final class PipelineLauncher {

    private static final Logger log = LoggerFactory.getLogger(PipelineLauncher.class);

    /** How long {@code abort} waits for the stage in progress to acknowledge its cancellation. */
    private static final Duration ABORT_WAIT = Duration.ofMinutes(2);

    private final WorkflowClient client;
    private final RunRepository runs;
    private final AttemptRepository attempts;
    private final RunStateRepository state;
    private final Interleaving interleaving;

    /** Between a workflow's start and what the launcher does next (a race test may fail the start there). */
    static final String AFTER_START = "launcher.after-start";
    /** Between the start of a lost run's workflow and the record that it runs again. */
    static final String RESTART_AFTER_START = "launcher.restart-after-start";
    /** Between a retry's checks and its signal. */
    static final String BEFORE_RETRY_SIGNAL = "launcher.before-retry-signal";

    private final RunLabelRepository labels;

    public PipelineLauncher(WorkflowClient client, RunRepository runs) {
        this(client, runs, Interleaving.NONE);
    }

    PipelineLauncher(WorkflowClient client, RunRepository runs, Interleaving interleaving) {
        this.interleaving = interleaving;
        this.client = client;
        this.runs = runs;
        this.state = new RunStateRepository(runs.database());
        this.attempts = new AttemptRepository(runs.database());
        this.labels = new RunLabelRepository(runs.database());
    }

    /** Starts a run and returns its id. With {@code resumeFromRun}, stages before {@code fromStage} come from it. */
    public String start(PipelineSpec spec, String resumeFromRun, Stage fromStage) {
        return start(spec, resumeFromRun, fromStage, RunLabels.NONE);
    }

    /** {@link #start(PipelineSpec, String, Stage)} with a name, note and tags, stored before the workflow starts. */
    public String start(PipelineSpec spec, String resumeFromRun, Stage fromStage, RunLabels labels) {
        PipelineSpec full = spec.withDefaults();
        PipelineSpecs.check(full, "spec");
        try {
            RunLabelRepository.check(labels);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        if (resumeFromRun != null) {
            if (fromStage == null) {
                throw new InvalidInputException("--resume-from needs --from STAGE");
            }
            if (runs.findRun(resumeFromRun).isEmpty()) {
                throw new InvalidInputException("unknown run " + resumeFromRun + " (see `bagsflow runs list`)");
            }
            for (Stage s : Stage.values()) {
                if (s.ordinal() < fromStage.ordinal()
                        && attempts.findCompletedAttempts(resumeFromRun, s).isEmpty()) {
                    throw new InvalidInputException("run " + resumeFromRun + " has no completed " + s
                            + " stage, so it cannot be resumed from " + fromStage);
                }
            }
        }
        String runId = RunIds.next();
        runs.createRun(
                runId,
                runId,
                PipelineSpecs.toJson(full),
                CodeVersion.get(),
                full.dataset().label(),
                resumeFromRun);
        if (fromStage != null) {
            state.setResumeFromStage(runId, fromStage);
        }
        if (!labels.equals(RunLabels.NONE)) {
            this.labels.label(runId, labels.name(), labels.note(), labels.tags());
        }
        try {
            WorkflowClient.start(stub(runId, true)::run, new PipelineRequest(runId, full, resumeFromRun, fromStage));
            interleaving.reached(AFTER_START, runId);
        } catch (RuntimeException e) {
            // A start that timed out may still have started the workflow: only Temporal knows, so it is asked before
            // the record says the run failed (a FAILED run whose workflow runs would be a record that lies).
            Optional<DescribeWorkflowExecutionResponse> d;
            try {
                d = describe(runId);
            } catch (RuntimeException unreachable) {
                // unknown: the run stays RUNNING; if Temporal never got it, the reconciler starts it after the grace
                e.addSuppressed(unreachable);
                throw e;
            }
            if (d.isPresent()) {
                log.warn(
                        "starting run {} reported {}, but its workflow did start: the run goes on",
                        runId,
                        e.toString());
                return runId;
            }
            state.endRun(runId, RunStatus.FAILED, "its workflow did not start: " + e.getMessage());
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

    /** An activity the run is waiting on, as Temporal sees it: its attempt and its last heartbeat details. */
    public record PendingActivity(String type, int attempt, String heartbeat, String lastFailure) {}

    /** The workflow's own view of its stages plus the activities in flight (the live progress). */
    public record LiveStatus(PipelineStatus status, List<PendingActivity> pending) {}

    /** Asks Temporal (not PostgreSQL): the {@code status} query and the run's pending activities. */
    public LiveStatus liveStatus(String runId) {
        PipelineStatus status = status(runId);
        DescribeWorkflowExecutionResponse d = describe(runId)
                .orElseThrow(() -> new WorkflowNotFoundException(
                        WorkflowExecution.newBuilder().setWorkflowId(runId).build(), "PipelineWorkflow", null));
        List<PendingActivity> pending = new ArrayList<>();
        for (PendingActivityInfo p : d.getPendingActivitiesList()) {
            String heartbeat = "";
            if (p.hasHeartbeatDetails() && p.getHeartbeatDetails().getPayloadsCount() > 0) {
                Object details = DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                        0, Optional.of(p.getHeartbeatDetails()), Map.class, Map.class);
                heartbeat = HeartbeatText.of((Map<?, ?>) details);
            }
            pending.add(new PendingActivity(
                    p.getActivityType().getName(),
                    p.getAttempt(),
                    heartbeat,
                    p.hasLastFailure() ? p.getLastFailure().getMessage() : ""));
        }
        return new LiveStatus(status, pending);
    }

    /** Signals a run that waits for a retry; the overrides are checked here first, so a typo is refused at once. */
    public void retry(String runId, Map<String, String> overrides) {
        PipelineRun run = runs.findRun(runId)
                .orElseThrow(() -> new InvalidInputException("unknown run " + runId + " (see `bagsflow runs list`)"));
        if (run.status() != RunStatus.WAITING_FOR_RETRY) {
            throw new InvalidInputException(
                    "run " + runId + " is " + run.status() + "; only a run WAITING_FOR_RETRY can be retried");
        }
        PipelineSpec effective;
        try {
            effective = SpecOverrides.apply(PipelineSpecs.parse(run.specJson()), overrides);
            PipelineSpecs.check(effective, "--set");
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--set: " + e.getMessage());
        }
        // the stored spec is what the run uses from now on, so that `runs show` tells the truth: it is stored once
        // the retry has reached the workflow, never for a retry that did not happen
        String effectiveJson = PipelineSpecs.toJson(effective);
        if (describe(runId).isEmpty()) {
            // its workflow was lost with an in-memory Temporal server: the retry starts it again
            if (restart(runId, effectiveJson)) {
                runs.updateSpec(runId, effectiveJson);
            }
            return;
        }
        interleaving.reached(BEFORE_RETRY_SIGNAL, runId);
        stub(runId, false).retryStage(new RetryRequest(Map.copyOf(overrides)));
        runs.updateSpec(runId, effectiveJson);
    }

    /**
     * Aborts a run and returns once it has ended: the stage in progress has acknowledged its cancellation, so nothing
     * writes into the run afterwards. A run whose workflow is gone (lost with an in-memory server, or ended without
     * recording it) is marked ABORTED directly. Returns false if the stage did not stop within the wait.
     */
    public boolean abort(String runId, String reason) {
        PipelineRun run = runs.findRun(runId).orElseThrow(() -> new InvalidInputException("unknown run " + runId));
        if (run.status().ended()) {
            throw new InvalidInputException("run " + runId + " has already ended (" + run.status() + ")");
        }
        labels.setAbortReason(runId, reason);
        Optional<DescribeWorkflowExecutionResponse> d = describe(runId);
        if (d.isEmpty()
                || d.get().getWorkflowExecutionInfo().getStatus()
                        != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
            state.endRunAndAttempts(
                    runId,
                    RunStatus.ABORTED,
                    reason,
                    FailureType.Aborted.name(),
                    "aborted: " + reason + " (its workflow was gone)");
            return true;
        }
        stub(runId, false).abort(reason);
        try {
            WorkflowStub.fromTyped(stub(runId, false))
                    .getResult(ABORT_WAIT.toSeconds(), TimeUnit.SECONDS, PipelineResult.class);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (WorkflowFailedException e) {
            return true;
        }
    }

    /** Temporal's description of a run's workflow, or empty if Temporal does not know it. */
    public Optional<DescribeWorkflowExecutionResponse> describe(String runId) {
        return describe(client, runId);
    }

    /**
     * Temporal's description of a workflow, or empty if Temporal does not know it (NOT_FOUND); any other failure
     * (unreachable, denied) is thrown: it says nothing about the workflow.
     */
    public static Optional<DescribeWorkflowExecutionResponse> describe(WorkflowClient client, String workflowId) {
        try {
            return Optional.of(client.getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder()
                                    .setWorkflowId(workflowId)
                                    .build())
                            .build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Starts the workflow of a run that PostgreSQL knows but Temporal does not, under the same run id, with the
     * run's stored spec and resume settings. Its finished parts are reused and its training resumes from the newest
     * checkpoint. Returns false if another process started it first.
     */
    public boolean restart(String runId) {
        return restart(runId, null);
    }

    /** As {@link #restart(String)}, with this spec (JSON) instead of the stored one when not null. */
    private boolean restart(String runId, String specJson) {
        PipelineRun run = runs.findRun(runId).orElseThrow(() -> new InvalidInputException("unknown run " + runId));
        if (run.status().ended()) {
            // ended meanwhile (an abort of the lost run): nothing to start
            return false;
        }
        Stage from = state.resumeFromStage(runId).orElse(null);
        PipelineSpec spec = PipelineSpecs.parse(specJson != null ? specJson : run.specJson());
        try {
            WorkflowClient.start(stub(runId, true)::run, new PipelineRequest(runId, spec, run.resumedFrom(), from));
        } catch (WorkflowExecutionAlreadyStarted already) {
            return false;
        }
        interleaving.reached(RESTART_AFTER_START, runId);
        Optional<RunStatus> ended = state.reopenRun(runId);
        if (ended.isPresent()) {
            // the run ended (an abort that found no workflow) between the check above and the start: the workflow
            // just started must not run it; it has not done anything yet (no attempt opens in an ended run)
            WorkflowStub.fromTyped(stub(runId, false))
                    .terminate("run " + runId + " is " + ended.get() + ": it ended while its lost workflow was started"
                            + " again");
            return false;
        }
        return true;
    }

    private PipelineWorkflow stub(String runId, boolean forStart) {
        if (!forStart) {
            return client.newWorkflowStub(PipelineWorkflow.class, runId);
        }
        return client.newWorkflowStub(
                PipelineWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(runId)
                        .setTaskQueue(TaskQueues.CPU)
                        .build());
    }
}

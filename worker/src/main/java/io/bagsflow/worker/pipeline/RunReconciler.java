package io.bagsflow.worker.pipeline;

import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.ExperimentRecord;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.Interleaving;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.Transitions;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.WorkerIdentity;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes PostgreSQL agree with Temporal about runs in flight, so that no record says RUNNING about something that
 * is not running. For each run that PostgreSQL says is RUNNING or WAITING_FOR_RETRY:
 * <ul>
 *   <li>Temporal does not know its workflow (the in-memory server was restarted with {@code up}): its attempts are
 *       closed as lost and the run is started again under the same id; finished parts are reused from PostgreSQL
 *       and training resumes from its newest checkpoint.</li>
 *   <li>its workflow has ended without recording it (terminated or cancelled from outside, or its last bookkeeping
 *       failed): the run ends FAILED or ABORTED with the reason.</li>
 *   <li>its workflow runs: an attempt whose worker no longer holds the activity is closed as lost; an activity
 *       held by a worker process of this machine that no longer exists (its identity proves it was of this machine
 *       and boot, see {@link WorkerIdentity}) is failed at once, so Temporal retries it
 *       within seconds instead of waiting for the heartbeat timeout.</li>
 * </ul>
 * An experiment that PostgreSQL says is RUNNING while its workflow has ended without recording it (failed,
 * terminated or cancelled from outside) ends FAILED or ABORTED. Runs and experiments younger than
 * {@link #START_GRACE} are left alone: their starter may be about to start their workflow.
 * Every write is conditional on the record still being open, so running this from several workers at once is safe.
 */
public final class RunReconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunReconciler.class);

    /** What reconciling did to one run. */
    public enum Action {
        RESTARTED,
        ENDED,
        ATTEMPT_CLOSED,
        ACTIVITY_FAILED,
        EXPERIMENT_ENDED
    }

    /** What reconciling did; {@code runId} is the experiment's id for {@link Action#EXPERIMENT_ENDED}. */
    public record Outcome(String runId, Action action, String detail) {}

    /**
     * How old an open run must be before "Temporal does not know it" means lost: whoever starts a run (the CLI, an
     * experiment workflow) opens its row first and starts its workflow a moment later, so a younger run may just not
     * be started yet. Restarting it then made its starter fail on an id already taken (an experiment lost all
     * its running cells that way).
     */
    static final Duration START_GRACE = Duration.ofSeconds(60);

    /**
     * How much older than the snapshot of Temporal's pending activities an attempt must be to be judged by it. An
     * attempt's {@code started_at} is the start of the transaction that inserts it, which may wait for the run's
     * lock (another part opening its attempt) before the row becomes visible; and a worker opens its attempt only
     * after Temporal recorded its activity as started.
     */
    static final Duration SNAPSHOT_MARGIN = Duration.ofSeconds(10);

    private final WorkflowClient client;
    private final PipelineLauncher launcher;
    private final RunRepository runs;
    private final RunStateRepository state;
    private final AttemptRepository attempts;
    private final ExperimentRepository experiments;
    private final Duration startGrace;
    private final Interleaving interleaving;
    private ScheduledExecutorService timer;

    /** Between Temporal's description of a running workflow and the read of the run's RUNNING attempts. */
    static final String AFTER_DESCRIBE = "reconciler.after-describe";
    /** Between finding that Temporal does not know a run and starting it again. */
    static final String BEFORE_RESTART = "reconciler.before-restart";

    public RunReconciler(
            WorkflowClient client,
            PipelineLauncher launcher,
            RunRepository runs,
            RunStateRepository state,
            AttemptRepository attempts,
            ExperimentRepository experiments) {
        this(client, launcher, runs, state, attempts, experiments, START_GRACE, Interleaving.NONE);
    }

    RunReconciler(
            WorkflowClient client,
            PipelineLauncher launcher,
            RunRepository runs,
            RunStateRepository state,
            AttemptRepository attempts,
            ExperimentRepository experiments,
            Duration startGrace,
            Interleaving interleaving) {
        this.interleaving = interleaving;
        this.client = client;
        this.launcher = launcher;
        this.runs = runs;
        this.state = state;
        this.attempts = attempts;
        this.experiments = experiments;
        this.startGrace = startGrace;
    }

    /** Reconciles now and then every {@code periodSeconds} in the background, until closed. */
    public RunReconciler everySeconds(long periodSeconds) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-reconciler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        reconcile();
                    } catch (RuntimeException e) {
                        // a database or Temporal outage: try again next time
                        log.warn("reconciling runs failed, will retry: {}", e.toString());
                    }
                },
                0,
                periodSeconds,
                TimeUnit.SECONDS);
        return this;
    }

    public List<Outcome> reconcile() {
        List<Outcome> outcomes = new ArrayList<>(reconcile(state.openRuns()));
        outcomes.addAll(reconcileExperiments());
        return outcomes;
    }

    /** Ends the RUNNING experiments whose workflow ended without saying so (see the class comment). */
    public List<Outcome> reconcileExperiments() {
        List<Outcome> outcomes = new ArrayList<>();
        for (ExperimentRecord e : experiments.running()) {
            if (young(e.createdAt())) {
                continue;
            }
            Optional<WorkflowExecutionStatus> status;
            try {
                status = statusOf(e.id());
            } catch (StatusRuntimeException unreachable) {
                log.warn(
                        "left experiment {} alone: Temporal could not describe it: {}",
                        e.id(),
                        unreachable.getStatus());
                continue;
            }
            if (status.isPresent()
                    && (status.get() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
                            || status.get() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)) {
                // completed: its last step recorded the end (this read came just before)
                continue;
            }
            boolean ended;
            try {
                ended = experiments.updateStatus(
                        e.id(),
                        status.filter(RunReconciler::aborted).isPresent()
                                ? ExperimentStatus.ABORTED
                                : ExperimentStatus.FAILED);
            } catch (Transitions.IllegalTransition endedMeanwhile) {
                // its workflow's last step recorded an end after our read: that end stands
                ended = false;
            }
            if (!ended) {
                continue;
            }
            String why = status.map(RunReconciler::endedWithoutRecord)
                    // the in-memory fallback lost it; its cells are restarted as runs of their own and finish
                    .orElse("Temporal no longer knows its workflow");
            outcomes.add(new Outcome(e.id(), Action.EXPERIMENT_ENDED, why));
            log.info("reconciled experiment {}: {}", e.id(), why);
        }
        return outcomes;
    }

    /** Reconciles these runs only (those not open in PostgreSQL are left alone). */
    public List<Outcome> reconcile(Collection<String> runIds) {
        List<Outcome> outcomes = new ArrayList<>();
        List<String> open = state.openRuns();
        for (String runId : runIds) {
            if (!open.contains(runId)) {
                continue;
            }
            try {
                outcomes.addAll(reconcileRun(runId));
            } catch (StatusRuntimeException e) {
                // Temporal could not say (unreachable, overloaded, denied): no evidence, so the run is left alone
                log.warn("left run {} alone: Temporal could not describe its workflow: {}", runId, e.getStatus());
            }
        }
        for (Outcome o : outcomes) {
            log.info("reconciled {}: {} ({})", o.runId(), o.action(), o.detail());
        }
        return outcomes;
    }

    private List<Outcome> reconcileRun(String runId) {
        // taken before Temporal is asked: an attempt that started after it may belong to an activity that Temporal's
        // answer predates, so only older attempts are judged by that answer
        Instant snapshot = state.databaseNow();
        Optional<DescribeWorkflowExecutionResponse> d = launcher.describe(runId);
        if (d.isEmpty()) {
            if (!justOpened(runId) && !startedByRunningExperiment(runId)) {
                return restartLost(runId);
            }
            return List.of();
        }
        WorkflowExecutionStatus status = d.get().getWorkflowExecutionInfo().getStatus();
        if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
            return closeLostAttempts(runId, d.get(), snapshot);
        }
        return endClosed(runId, status);
    }

    /** Opened less than {@link #START_GRACE} ago: its workflow may be about to start. */
    private boolean justOpened(String runId) {
        return runs.findRun(runId).map(r -> young(r.createdAt())).orElse(false);
    }

    /** Made less than the start grace ago (see {@link #START_GRACE}). */
    private boolean young(Instant createdAt) {
        return createdAt.plus(startGrace).isAfter(Instant.now());
    }

    /** The status of the workflow with this id, if Temporal knows it. */
    private Optional<WorkflowExecutionStatus> statusOf(String workflowId) {
        return launcher.describe(workflowId)
                .map(d -> d.getWorkflowExecutionInfo().getStatus());
    }

    private static boolean aborted(WorkflowExecutionStatus status) {
        return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED;
    }

    /** Why a record that still says it runs is closed: "the workflow terminated without recording its end". */
    private static String endedWithoutRecord(WorkflowExecutionStatus status) {
        return "the workflow "
                + status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase() + " without recording its end";
    }

    /**
     * A cell of an experiment whose workflow runs: that workflow starts the cell's run (and would fail on an id
     * taken by a restart here). A cell whose experiment Temporal no longer knows (the in-memory fallback lost it)
     * is restarted like any run, so that it at least finishes.
     */
    private boolean startedByRunningExperiment(String runId) {
        return experiments
                .experimentOfRun(runId)
                .flatMap(this::statusOf)
                .map(status -> status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
                .orElse(false);
    }

    private List<Outcome> restartLost(String runId) {
        interleaving.reached(BEFORE_RESTART, runId);
        List<Outcome> out = new ArrayList<>();
        for (StageAttempt a : attempts.runningAttempts(runId)) {
            if (attempts.failAttempt(
                    a.id(),
                    FailureType.WorkerLost.name(),
                    "worker lost when up stopped: " + a.worker()
                            + " was running it and Temporal no longer knows the run")) {
                out.add(new Outcome(runId, Action.ATTEMPT_CLOSED, a.stage() + part(a) + " attempt " + a.attempt()));
            }
        }
        if (launcher.restart(runId)) {
            out.add(new Outcome(runId, Action.RESTARTED, "Temporal did not know its workflow"));
        }
        return out;
    }

    private List<Outcome> endClosed(String runId, WorkflowExecutionStatus status) {
        String why = endedWithoutRecord(status);
        List<Outcome> out = new ArrayList<>();
        if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
            // its last bookkeeping step recorded the end before completing; a run still open here was just updated
            return out;
        }
        if (state.endRunAndAttempts(
                runId, aborted(status) ? RunStatus.ABORTED : RunStatus.FAILED, why, FailureType.RunEnded.name(), why)) {
            out.add(new Outcome(runId, Action.ENDED, why));
        }
        return out;
    }

    /**
     * Closes the RUNNING attempts of a running workflow that no worker holds any more. An attempt is judged by the
     * pending activities of {@code d} only if it started {@link #SNAPSHOT_MARGIN} before {@code snapshot} (taken
     * before {@code d}): a younger one may be the work of an activity that started after Temporal answered. The
     * attempt of a local worker process that is gone is closed whatever its age: that is evidence of its own.
     */
    private List<Outcome> closeLostAttempts(String runId, DescribeWorkflowExecutionResponse d, Instant snapshot) {
        List<Outcome> out = new ArrayList<>();
        List<String> holders = new ArrayList<>();
        for (PendingActivityInfo p : d.getPendingActivitiesList()) {
            if (p.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                    && p.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED) {
                continue;
            }
            String worker = p.getLastWorkerIdentity();
            if (isDeadLocalProcess(worker)) {
                failActivity(runId, p, worker).ifPresent(out::add);
            } else {
                holders.add(worker);
            }
        }
        interleaving.reached(AFTER_DESCRIBE, runId);
        Instant judgedBefore = snapshot.minus(SNAPSHOT_MARGIN);
        for (StageAttempt a : attempts.runningAttempts(runId)) {
            boolean dead = isDeadLocalProcess(a.worker());
            if (!dead && !a.startedAt().isBefore(judgedBefore)) {
                continue;
            }
            if (!holders.contains(a.worker())
                    && attempts.failAttempt(
                            a.id(),
                            FailureType.WorkerLost.name(),
                            "worker lost: " + a.worker()
                                    + (dead ? " is no longer running" : " stopped heartbeating"))) {
                out.add(new Outcome(runId, Action.ATTEMPT_CLOSED, a.stage() + part(a) + " attempt " + a.attempt()));
            }
        }
        return out;
    }

    /** Fails the activity attempt of a dead worker now, so its retry starts without waiting for the timeout. */
    private Optional<Outcome> failActivity(String runId, PendingActivityInfo p, String worker) {
        try {
            client.newActivityCompletionClient()
                    .completeExceptionally(
                            runId,
                            Optional.empty(),
                            p.getActivityId(),
                            ApplicationFailure.newFailure(
                                    "worker lost: " + worker + " is no longer running", FailureType.WorkerLost.name()));
            return Optional.of(new Outcome(
                    runId,
                    Action.ACTIVITY_FAILED,
                    p.getActivityType().getName() + " attempt " + p.getAttempt() + " of " + worker));
        } catch (ActivityCompletionException | StatusRuntimeException alreadyMoved) {
            // it completed, timed out or was retried meanwhile: nothing to do
            return Optional.empty();
        }
    }

    /**
     * A worker of this machine and boot whose process is gone: only an identity that proves it was a process here
     * ({@link WorkerIdentity}: this machine's fingerprint beside the pid and its start time) is judged by a pid. Any
     * other (a worker on another machine, even one with this host name and a pid in use here) is left to Temporal's
     * heartbeat timeout.
     */
    static boolean isDeadLocalProcess(String identity) {
        return WorkerIdentity.judge(identity) == WorkerIdentity.Liveness.GONE_HERE;
    }

    private static String part(StageAttempt a) {
        return a.part().isEmpty() ? "" : "/" + a.part();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}

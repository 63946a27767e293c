package io.bagsflow.workflows.pipeline;

import static io.bagsflow.workflows.WorkflowVersions.ABORTABLE_REMAKE;
import static io.bagsflow.workflows.WorkflowVersions.PARALLEL_PARTS;
import static io.bagsflow.workflows.WorkflowVersions.RECOMPUTE_CORRUPT_INPUT;
import static io.bagsflow.workflows.WorkflowVersions.RECORDS_NEVER_LIE;
import static io.bagsflow.workflows.WorkflowVersions.UNEXPECTED_FAILS_RUN;

import io.bagsflow.model.Causes;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.StageStatus;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.PipelineRequest;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.pipeline.PipelineStatus;
import io.bagsflow.model.pipeline.RetryRequest;
import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.bagsflow.model.pipeline.StageState;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SpecOverrides;
import io.bagsflow.model.spec.TimeoutsSpec;
import io.bagsflow.workflows.BookkeepingOptions;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.WorkflowVersions;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The pipeline as a state machine over {@link Stage}s. Deterministic: all I/O is in activities, all state is in
 * fields rebuilt by replay. A stage is a list of parts (one per model for fine-tuning and evaluation); parts that
 * succeeded are remembered, so a retry redoes only what failed.
 */
public class PipelineWorkflowImpl implements PipelineWorkflow {

    private String runId;
    private PipelineSpec spec;
    private RunStatus status = RunStatus.RUNNING;
    private final Map<Stage, StageState> stages = new EnumMap<>(Stage.class);
    private final Map<PartKey, StageResult> doneParts = new LinkedHashMap<>();
    /** Parts in flight, in the order they started (LinkedHashSet: deterministic in replay). */
    private final Set<String> runningParts = new LinkedHashSet<>();

    private RetryRequest pendingRetry;
    private String abortReason;
    private CancellationScope currentStage;
    private double activitySeconds;
    private double waitingSeconds;
    /** Stages made again because a later stage found their output corrupt (once each). */
    private final java.util.Set<Stage> remade = java.util.EnumSet.noneOf(Stage.class);

    /** The failure type that a bug in the workflow code fails the workflow with. */
    static final String WORKFLOW_BUG = "WorkflowBug";

    // Behaviour added after runs were recorded sits behind the change ids of WorkflowVersions, so that a run started
    // by older code replays as it ran; these hold which side this run takes.
    private boolean recordsNeverLie;
    private boolean parallelParts;
    private boolean unexpectedFailsRun;
    /** An abort stopped the remake of a corrupt input's producer ({@link WorkflowVersions#ABORTABLE_REMAKE} only). */
    private boolean remakeAborted;

    @Override
    public PipelineResult run(PipelineRequest request) {
        recordsNeverLie = Workflow.getVersion(RECORDS_NEVER_LIE, Workflow.DEFAULT_VERSION, 1) == 1;
        parallelParts = Workflow.getVersion(PARALLEL_PARTS, Workflow.DEFAULT_VERSION, 1) == 1;
        if (!recordsNeverLie) {
            return runStages(request);
        }
        unexpectedFailsRun = Workflow.getVersion(UNEXPECTED_FAILS_RUN, Workflow.DEFAULT_VERSION, 1) == 1;
        try {
            return runStages(request);
        } catch (RuntimeException failure) {
            if (!(failure instanceof TemporalFailure) && !unexpectedFailsRun) {
                throw failure;
            }
            // Whatever ended the workflow (bookkeeping that failed for good, a cancellation from outside, a bug in
            // this code), the run must not stay RUNNING in the history: record it, in a scope that a cancellation
            // does not reach.
            status = RunStatus.FAILED;
            String cause = failure instanceof TemporalFailure t
                    ? "workflow failed: " + describe(t)
                    : "workflow failed on a bug: " + failure;
            Workflow.newDetachedCancellationScope(
                            () -> Workflow.newActivityStub(RunActivities.class, bookkeepingOptions())
                                    .endRun(runId, RunStatus.FAILED, cause))
                    .run();
            if (failure instanceof TemporalFailure) {
                throw failure;
            }
            // an ApplicationFailure fails the workflow whatever the worker's options say
            throw ApplicationFailure.newNonRetryableFailureWithCause(cause, WORKFLOW_BUG, failure);
        }
    }

    private PipelineResult runStages(PipelineRequest request) {
        runId = request.runId();
        spec = request.spec().withDefaults();
        for (Stage s : Stage.values()) {
            stages.put(s, new StageState(s, StageStatus.PENDING, 0, "", 0, null));
        }
        RunActivities runs = Workflow.newActivityStub(RunActivities.class, bookkeepingOptions());
        Map<String, ArtifactRef> artifacts = new TreeMap<>();
        List<ModelRef> models = new ArrayList<>();

        for (Stage stage : Stage.values()) {
            while (true) {
                if (abortReason != null) {
                    return finish(runs, RunStatus.ABORTED, models);
                }
                StageState before = stages.get(stage);
                stages.put(
                        stage,
                        new StageState(
                                stage,
                                StageStatus.RUNNING,
                                before.attempt() + 1,
                                before.part(),
                                before.failures(),
                                before.lastError()));
                List<StageResult> results = new ArrayList<>();
                try {
                    Map<String, ArtifactRef> inputs = new TreeMap<>(artifacts);
                    List<ModelRef> known = List.copyOf(models);
                    currentStage = Workflow.newCancellationScope(
                            () -> results.addAll(runStage(stage, request, runs, inputs, known)));
                    currentStage.run();
                } catch (ActivityFailure | CanceledFailure failure) {
                    currentStage = null;
                    if (abortReason != null) {
                        setState(stage, StageStatus.FAILED, "aborted: " + abortReason, 0);
                        return finish(runs, RunStatus.ABORTED, models);
                    }
                    if (remakeCorruptInput(failure, stage, request, runs, artifacts, models)) {
                        continue;
                    }
                    if (remakeAborted) {
                        setState(stage, StageStatus.FAILED, "aborted: " + abortReason, 0);
                        return finish(runs, RunStatus.ABORTED, models);
                    }
                    setState(stage, StageStatus.FAILED, describe(failure), 1);
                    waitForRetry(runs);
                    if (abortReason != null) {
                        return finish(runs, RunStatus.ABORTED, models);
                    }
                    continue;
                }
                currentStage = null;
                boolean allReused = !results.isEmpty();
                for (StageResult r : results) {
                    artifacts.putAll(r.outputs());
                    models.addAll(r.models());
                    allReused &= r.reused();
                    activitySeconds += r.seconds();
                }
                setState(stage, allReused ? StageStatus.REUSED : StageStatus.SUCCEEDED, null, 0);
                break;
            }
        }
        return finish(runs, RunStatus.SUCCEEDED, models);
    }

    /**
     * A stage found an input corrupt that an earlier stage of this run made (failure type
     * {@link FailureType#CorruptInput}):
     * that earlier stage runs again, once per stage and run (its activity sees the stored bytes gone and computes
     * them again), its results replace the old ones, and the failed stage goes on without waiting for a retry.
     * Returns false when this does not apply (older histories, other failures, the earlier stage already remade).
     */
    private boolean remakeCorruptInput(
            TemporalFailure failure,
            Stage stage,
            PipelineRequest request,
            RunActivities runs,
            Map<String, ArtifactRef> artifacts,
            List<ModelRef> models) {
        if (Workflow.getVersion(RECOMPUTE_CORRUPT_INPUT, Workflow.DEFAULT_VERSION, 1) < 1) {
            return false;
        }
        Stage producer = null;
        for (Throwable t : Causes.chain(failure)) {
            if (t instanceof ApplicationFailure a
                    && FailureType.CorruptInput.is(a.getType())
                    && a.getDetails().getSize() > 0) {
                producer = Stage.valueOf(a.getDetails().get(0, String.class));
                break;
            }
        }
        if (producer == null || producer.ordinal() >= stage.ordinal() || !remade.add(producer)) {
            return false;
        }
        Stage earlier = producer;
        doneParts.keySet().removeIf(k -> k.stage() == earlier || k.stage() == stage);
        List<StageResult> again = new ArrayList<>();
        if (Workflow.getVersion(ABORTABLE_REMAKE, Workflow.DEFAULT_VERSION, 1) < 1) {
            try {
                again.addAll(runStage(earlier, request, runs, new TreeMap<>(artifacts), List.copyOf(models)));
            } catch (ActivityFailure remakeFailed) {
                return false;
            }
        } else {
            Map<String, ArtifactRef> inputs = new TreeMap<>(artifacts);
            List<ModelRef> known = List.copyOf(models);
            try {
                // the stage in progress is the remake now: an abort cancels it like any stage
                currentStage = Workflow.newCancellationScope(
                        () -> again.addAll(runStage(earlier, request, runs, inputs, known)));
                if (abortReason != null) {
                    currentStage.cancel(abortReason);
                }
                currentStage.run();
            } catch (ActivityFailure | CanceledFailure remakeFailed) {
                currentStage = null;
                if (abortReason != null) {
                    remakeAborted = true;
                    setState(earlier, StageStatus.FAILED, "aborted: " + abortReason, 0);
                    return false;
                }
                // the next retry of the stage may find the input corrupt again and then makes it again
                remade.remove(earlier);
                setState(earlier, StageStatus.FAILED, "remaking it failed: " + describe(remakeFailed), 1);
                return false;
            }
            currentStage = null;
        }
        for (StageResult r : again) {
            artifacts.putAll(r.outputs());
            for (ModelRef m : r.models()) {
                models.removeIf(old -> old.modelId().equals(m.modelId()));
            }
            models.addAll(r.models());
            activitySeconds += r.seconds();
        }
        models.sort(java.util.Comparator.comparingInt(ModelRef::generation));
        setState(earlier, StageStatus.SUCCEEDED, null, 0);
        return true;
    }

    private List<StageResult> runStage(
            Stage stage,
            PipelineRequest request,
            RunActivities runs,
            Map<String, ArtifactRef> artifacts,
            List<ModelRef> models) {
        if (request.resumeFromRun() != null
                && stage.ordinal() < request.resumeFromStage().ordinal()) {
            return List.of(part(PartKey.taken(stage), () -> runs.takeStage(runId, stage, request.resumeFromRun())));
        }
        TimeoutsSpec t = spec.timeouts();
        PrepareActivities prepare =
                Workflow.newActivityStub(PrepareActivities.class, stageOptions(TaskQueues.CPU, t, recordsNeverLie));
        TrainingActivities training =
                Workflow.newActivityStub(TrainingActivities.class, stageOptions(TaskQueues.GPU, t, recordsNeverLie));
        EvaluationActivities evaluation =
                Workflow.newActivityStub(EvaluationActivities.class, stageOptions(TaskQueues.CPU, t, recordsNeverLie));
        List<StageResult> results = new ArrayList<>();
        switch (stage) {
            case PREPARE ->
                results.add(part(
                        PartKey.whole(Stage.PREPARE),
                        () -> prepare.prepare(new StageInput(runId, spec, "", artifacts, null))));
            case TRAIN_BASE ->
                results.add(part(
                        PartKey.base(),
                        () -> training.trainBase(new StageInput(runId, spec, ModelRef.BASE, artifacts, null))));
            case FINETUNE_BAGS -> {
                ModelRef base = models.stream()
                        .filter(m -> m.generation() == 0)
                        .findFirst()
                        .orElseThrow();
                List<Supplier<StageResult>> parts = new ArrayList<>();
                for (String kind : spec.kinds()) {
                    parts.add(() -> part(
                            PartKey.finetune(kind),
                            () -> training.finetune(new StageInput(runId, spec, kind, artifacts, base))));
                }
                results.addAll(runParts(parts));
            }
            case EVALUATE -> {
                if (parallelParts) {
                    results.addAll(evaluateConcurrently(training, evaluation, artifacts, models));
                    break;
                }
                Map<String, ArtifactRef> seen = new TreeMap<>(artifacts);
                for (ModelRef model : models) {
                    StageResult predicted = part(
                            PartKey.predict(model.kind()),
                            () -> training.predict(new StageInput(runId, spec, model.kind(), seen, model)));
                    results.add(predicted);
                    seen.putAll(predicted.outputs());
                    results.add(part(
                            PartKey.score(model.kind()),
                            () -> evaluation.score(new StageInput(runId, spec, model.kind(), seen, model))));
                }
                results.add(
                        part(PartKey.report(), () -> evaluation.report(new StageInput(runId, spec, "", seen, null))));
            }
            default -> throw new IllegalStateException("unknown stage " + stage);
        }
        return results;
    }

    /**
     * Runs the parts of a stage: one after another (runs recorded before {@code parallel-parts}), or all at once,
     * each on whichever worker of its queue is free. Every part is waited for before a failure is reported, so no
     * part is still running when the run waits for a retry (which would start it twice); the results keep the
     * parts' order, whatever order they finish in.
     */
    private List<StageResult> runParts(List<Supplier<StageResult>> parts) {
        List<StageResult> results = new ArrayList<>();
        if (!parallelParts) {
            for (Supplier<StageResult> p : parts) {
                results.add(p.get());
            }
            return results;
        }
        List<Promise<StageResult>> running = new ArrayList<>();
        for (Supplier<StageResult> p : parts) {
            running.add(Async.function(p::get));
        }
        RuntimeException first = null;
        for (Promise<StageResult> r : running) {
            try {
                results.add(r.get());
            } catch (RuntimeException failure) {
                if (first == null) {
                    first = failure;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    /** EVALUATE with {@code parallel-parts}: each model's predict-then-score chain at once, then the report. */
    private List<StageResult> evaluateConcurrently(
            TrainingActivities training,
            EvaluationActivities evaluation,
            Map<String, ArtifactRef> artifacts,
            List<ModelRef> models) {
        List<Supplier<StageResult>> chains = new ArrayList<>();
        for (ModelRef model : models) {
            chains.add(() -> {
                Map<String, ArtifactRef> seen = new TreeMap<>(artifacts);
                StageResult predicted = part(
                        PartKey.predict(model.kind()),
                        () -> training.predict(new StageInput(runId, spec, model.kind(), seen, model)));
                seen.putAll(predicted.outputs());
                return part(
                        PartKey.score(model.kind()),
                        () -> evaluation.score(new StageInput(runId, spec, model.kind(), seen, model)));
            });
        }
        List<StageResult> scores = runParts(chains);
        List<StageResult> results = new ArrayList<>();
        Map<String, ArtifactRef> seen = new TreeMap<>(artifacts);
        for (int i = 0; i < models.size(); i++) {
            StageResult predicted = doneParts.get(PartKey.predict(models.get(i).kind()));
            results.add(predicted);
            seen.putAll(predicted.outputs());
            results.add(scores.get(i));
            seen.putAll(scores.get(i).outputs());
        }
        results.add(part(PartKey.report(), () -> evaluation.report(new StageInput(runId, spec, "", seen, null))));
        return results;
    }

    /**
     * Runs one part of a stage once per run: a part that already succeeded is not redone when the stage is retried
     * (its result is merged only when the whole stage succeeds, so nothing counts twice).
     */
    private StageResult part(PartKey key, Supplier<StageResult> work) {
        StageResult done = doneParts.get(key);
        if (done != null) {
            return done;
        }
        Stage stage = key.stage();
        String part = key.part();
        runningParts.add(part);
        showParts(stage);
        try {
            StageResult result = work.get();
            doneParts.put(key, result);
            return result;
        } finally {
            if (parallelParts) {
                runningParts.remove(part);
                if (!runningParts.isEmpty()) {
                    showParts(stage);
                }
            } else {
                runningParts.clear();
            }
        }
    }

    /** The stage's {@code part}: the part running, or all of them (comma-separated) while several run at once. */
    private void showParts(Stage stage) {
        StageState s = stages.get(stage);
        stages.put(
                stage,
                new StageState(
                        stage, s.state(), s.attempt(), String.join(", ", runningParts), s.failures(), s.lastError()));
    }

    private void waitForRetry(RunActivities runs) {
        status = RunStatus.WAITING_FOR_RETRY;
        runs.markRunStatus(runId, status);
        while (true) {
            // workflow time (replay-safe, no command): the wait is the person's time, not orchestration's
            long waitFrom = Workflow.currentTimeMillis();
            Workflow.await(() -> pendingRetry != null || abortReason != null);
            waitingSeconds += (Workflow.currentTimeMillis() - waitFrom) / 1000.0;
            if (abortReason != null) {
                return;
            }
            RetryRequest retry = pendingRetry;
            pendingRetry = null;
            try {
                spec = SpecOverrides.apply(spec, retry.overrides());
                break;
            } catch (IllegalArgumentException e) {
                // A bad override must not fail the workflow task (it would be retried forever): keep waiting.
                for (Map.Entry<Stage, StageState> s : stages.entrySet()) {
                    if (s.getValue().state() == StageStatus.FAILED) {
                        setState(s.getKey(), StageStatus.FAILED, "retry rejected: " + e.getMessage(), 0);
                    }
                }
            }
        }
        status = RunStatus.RUNNING;
        runs.markRunStatus(runId, status);
    }

    private PipelineResult finish(RunActivities runs, RunStatus end, List<ModelRef> models) {
        status = end;
        if (recordsNeverLie && end == RunStatus.ABORTED) {
            runs.endRun(runId, end, abortReason);
        } else {
            runs.markRunStatus(runId, end);
        }
        return new PipelineResult(runId, end, List.copyOf(models), activitySeconds, waitingSeconds);
    }

    private void setState(Stage stage, StageStatus state, String error, int addFailures) {
        StageState old = stages.get(stage);
        stages.put(
                stage,
                new StageState(
                        stage,
                        state,
                        old.attempt(),
                        old.part(),
                        old.failures() + addFailures,
                        error != null ? error : old.lastError()));
    }

    @Override
    public void retryStage(RetryRequest request) {
        if (status == RunStatus.WAITING_FOR_RETRY) {
            pendingRetry = request == null ? RetryRequest.plain() : request;
        }
    }

    @Override
    public void abort(String reason) {
        abortReason = reason == null || reason.isBlank() ? "aborted by user" : reason;
        if (currentStage != null) {
            currentStage.cancel(abortReason);
        }
    }

    @Override
    public PipelineStatus status() {
        return new PipelineStatus(runId, status, List.copyOf(stages.values()));
    }

    /** One line naming what failed: the application error's message, a timeout, or a cancellation. */
    static String describe(TemporalFailure failure) {
        for (Throwable t : Causes.chain(failure)) {
            if (t instanceof ApplicationFailure a) {
                return a.getOriginalMessage();
            }
            if (t instanceof TimeoutFailure timeout) {
                return "timed out (" + timeout.getTimeoutType() + "): the worker stopped answering";
            }
            if (t instanceof CanceledFailure) {
                return "cancelled";
            }
        }
        return failure.getMessage();
    }

    private static ActivityOptions stageOptions(String queue, TimeoutsSpec t, boolean waitForCancellation) {
        return ActivityOptions.newBuilder()
                .setTaskQueue(queue)
                // An abort is over only when the stage in progress has stopped: until then it could still write
                // into the run (an attempt, a checkpoint). The activity notices at its next heartbeat, within seconds.
                .setCancellationType(
                        waitForCancellation
                                ? ActivityCancellationType.WAIT_CANCELLATION_COMPLETED
                                : ActivityCancellationType.TRY_CANCEL)
                // Training runs for hours; what detects a lost worker is the heartbeat, not this limit.
                .setStartToCloseTimeout(Duration.ofHours(t.stageHours()))
                // Short, so a killed worker's stage moves to another worker within a minute, from its checkpoint.
                .setHeartbeatTimeout(Duration.ofSeconds(t.heartbeatSeconds()))
                .setRetryOptions(RetryOptions.newBuilder()
                        // transient failures (a lost worker, an S3 hiccup) are retried with backoff ...
                        .setInitialInterval(Duration.ofSeconds(2))
                        .setBackoffCoefficient(2.0)
                        .setMaximumInterval(Duration.ofMinutes(2))
                        .setMaximumAttempts(t.maxAttempts())
                        // ... bad input is not: it fails the same way every time.
                        .setDoNotRetry(FailureType.InvalidInput.name())
                        .build())
                .build();
    }

    private static ActivityOptions bookkeepingOptions() {
        return BookkeepingOptions.get();
    }
}

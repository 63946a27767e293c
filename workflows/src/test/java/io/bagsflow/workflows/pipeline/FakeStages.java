package io.bagsflow.workflows.pipeline;

import io.bagsflow.model.FailureType;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-ins for the stage activities that only record what the workflow asked for, so the workflow's logic
 * (order, retries, reuse, abort) is tested in isolation. The real activities are tested end to end in worker/.
 */
final class FakeStages {

    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> runStatuses = Collections.synchronizedList(new ArrayList<>());
    final List<String> runErrors = Collections.synchronizedList(new ArrayList<>());
    /** part name -> how many more times it fails with bad input */
    final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    final List<StageInput> inputs = Collections.synchronizedList(new ArrayList<>());
    /** Run bookkeeping fails for good from now on (a database that never comes back). */
    volatile boolean bookkeepingFails;
    /** trainBase heartbeats until it is cancelled, like a long training. */
    volatile boolean trainUntilCancelled;
    /** Counted down when trainBase (with {@link #trainUntilCancelled}) has started. */
    final CountDownLatch trainingStarted = new CountDownLatch(1);
    /** Whether trainBase had stopped when the run was ended (set by endRun). */
    volatile Boolean trainingStoppedAtEnd;
    /** Fine-tune parts take this long (real time), to see whether they overlap. */
    volatile long finetuneMillis;

    final AtomicInteger finetunesRunning = new AtomicInteger();
    final AtomicInteger maxFinetunesRunning = new AtomicInteger();

    /**
     * call -> what its next calls do, in order: "ok", "invalid" (bad input), "corrupt:STAGE" (an input that STAGE
     * made is corrupt), "untilCancelled" (heartbeats until the run cancels it); afterwards the call succeeds.
     */
    final Map<String, Deque<String>> scripts = new ConcurrentHashMap<>();
    /** Counted down when a scripted "untilCancelled" call has started. */
    final CountDownLatch blockedStarted = new CountDownLatch(1);
    /** takeStage of TRAIN_BASE returns no model, which the workflow code does not expect (a bug's trigger). */
    volatile boolean takeWithoutModels;

    void script(String call, String... outcomes) {
        scripts.put(call, new ConcurrentLinkedDeque<>(List.of(outcomes)));
    }

    void failTimes(String call, int times) {
        failures.put(call, new AtomicInteger(times));
    }

    private StageResult answer(String call, StageInput in, Map<String, ArtifactRef> outputs, List<ModelRef> models) {
        calls.add(call);
        inputs.add(in);
        Deque<String> script = scripts.get(call);
        String next = script == null ? null : script.poll();
        if (next != null && next.equals("invalid")) {
            throw ApplicationFailure.newNonRetryableFailure(call + " got bad input", FailureType.InvalidInput.name());
        }
        if (next != null && next.startsWith("corrupt:")) {
            throw ApplicationFailure.newNonRetryableFailure(
                    call + " found an input corrupt",
                    FailureType.CorruptInput.name(),
                    next.substring("corrupt:".length()),
                    "0".repeat(64));
        }
        if (next != null && next.equals("untilCancelled")) {
            calls.add(call + ":started");
            blockedStarted.countDown();
            try {
                for (int step = 0; ; step++) {
                    Activity.getExecutionContext().heartbeat(step);
                    Thread.sleep(20);
                }
            } catch (ActivityCompletionException | InterruptedException cancelled) {
                calls.add(call + ":stopped");
                throw Activity.wrap(cancelled);
            }
        }
        AtomicInteger left = failures.get(call);
        if (left != null && left.getAndDecrement() > 0) {
            throw ApplicationFailure.newNonRetryableFailure(call + " got bad input", FailureType.InvalidInput.name());
        }
        return new StageResult(outputs, models, false, calls.size(), 1.0);
    }

    static ArtifactRef artifact(String name) {
        return new ArtifactRef(Integer.toHexString(name.hashCode()), name.length(), "application/octet-stream");
    }

    /** The activity objects to register, one per interface (an object is registered for every interface it has). */
    PrepareActivities prepareActivities() {
        return this::prepare;
    }

    TrainingActivities trainingActivities() {
        FakeStages f = this;
        return new TrainingActivities() {
            @Override
            public StageResult trainBase(StageInput in) {
                return f.trainBase(in);
            }

            @Override
            public StageResult finetune(StageInput in) {
                return f.finetune(in);
            }

            @Override
            public StageResult predict(StageInput in) {
                return f.predict(in);
            }
        };
    }

    EvaluationActivities evaluationActivities() {
        FakeStages f = this;
        return new EvaluationActivities() {
            @Override
            public StageResult score(StageInput in) {
                return f.score(in);
            }

            @Override
            public StageResult report(StageInput in) {
                return f.report(in);
            }
        };
    }

    RunActivities runActivities() {
        FakeStages f = this;
        return new RunActivities() {
            @Override
            public void markRunStatus(String runId, RunStatus status) {
                if (f.bookkeepingFails) {
                    throw ApplicationFailure.newNonRetryableFailure("database gone", "DatabaseDown");
                }
                f.runStatuses.add(status.name());
            }

            @Override
            public void endRun(String runId, RunStatus status, String error) {
                f.runStatuses.add(status.name());
                f.runErrors.add(error);
                f.trainingStoppedAtEnd = f.calls.contains("trainBase:stopped");
            }

            @Override
            public StageResult takeStage(String runId, Stage stage, String fromRunId) {
                return f.takeStage(runId, stage, fromRunId);
            }
        };
    }

    StageResult prepare(StageInput in) {
        return answer("prepare", in, Map.of("manifest", artifact("manifest"), "groups", artifact("groups")), List.of());
    }

    StageResult trainBase(StageInput in) {
        if (trainUntilCancelled) {
            calls.add("trainBase:started");
            trainingStarted.countDown();
            try {
                for (int step = 0; ; step++) {
                    Activity.getExecutionContext().heartbeat(step);
                    Thread.sleep(20);
                }
            } catch (ActivityCompletionException | InterruptedException cancelled) {
                calls.add("trainBase:stopped");
                throw Activity.wrap(cancelled);
            }
        }
        ModelRef base = new ModelRef(in.runId() + "-base", "base", 0, null, artifact("ckpt-base"));
        return answer("trainBase", in, Map.of("checkpoint/base", base.checkpoint()), List.of(base));
    }

    StageResult finetune(StageInput in) {
        int now = finetunesRunning.incrementAndGet();
        maxFinetunesRunning.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(finetuneMillis);
        } catch (InterruptedException e) {
            throw Activity.wrap(e);
        } finally {
            finetunesRunning.decrementAndGet();
        }
        ModelRef m = new ModelRef(
                in.runId() + "-" + in.kind(), in.kind(), 1, in.model().modelId(), artifact("ckpt-" + in.kind()));
        return answer("finetune:" + in.kind(), in, Map.of("checkpoint/" + in.kind(), m.checkpoint()), List.of(m));
    }

    StageResult predict(StageInput in) {
        return answer(
                "predict:" + in.kind(),
                in,
                Map.of("results/" + in.kind(), artifact("results-" + in.kind())),
                List.of());
    }

    StageResult score(StageInput in) {
        return answer(
                "score:" + in.kind(), in, Map.of("metrics/" + in.kind(), artifact("metrics-" + in.kind())), List.of());
    }

    StageResult report(StageInput in) {
        return answer("report", in, Map.of("report", artifact("report")), List.of());
    }

    StageResult takeStage(String runId, Stage stage, String fromRunId) {
        calls.add("take:" + stage + ":" + fromRunId);
        List<ModelRef> models = stage == Stage.TRAIN_BASE && !takeWithoutModels
                ? List.of(new ModelRef(runId + "-base", "base", 0, null, artifact("ckpt-base")))
                : List.of();
        return new StageResult(Map.of(stage.name().toLowerCase(), artifact(stage.name())), models, true, 0, 0);
    }
}

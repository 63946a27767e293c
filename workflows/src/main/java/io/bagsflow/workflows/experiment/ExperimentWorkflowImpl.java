package io.bagsflow.workflows.experiment;

import io.bagsflow.model.CellStatus;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.experiment.CellState;
import io.bagsflow.model.experiment.ExperimentCell;
import io.bagsflow.model.experiment.ExperimentPlan;
import io.bagsflow.model.experiment.ExperimentProgress;
import io.bagsflow.model.experiment.ExperimentRequest;
import io.bagsflow.model.experiment.ExperimentSpec;
import io.bagsflow.model.pipeline.PipelineRequest;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.workflows.BookkeepingOptions;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.pipeline.PipelineWorkflow;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Runs the cells of an experiment as child pipeline workflows, at most {@code parallelism} at a time, in plan order.
 * Deterministic: the cells are planned again from the input on replay, and each child's workflow id is its run id,
 * derived from the experiment id, so a restarted worker picks up the same children. Work shared between cells (the
 * same stage key) is shared by the stage activities themselves, not here.
 */
public class ExperimentWorkflowImpl implements ExperimentWorkflow {

    private static final Logger log = Workflow.getLogger(ExperimentWorkflowImpl.class);

    private final ExperimentActivities activities =
            Workflow.newActivityStub(ExperimentActivities.class, BookkeepingOptions.get());

    private String experimentId;
    private ExperimentStatus status = ExperimentStatus.RUNNING;
    private final List<CellState> cells = new ArrayList<>();
    private final Map<Integer, Promise<PipelineResult>> running = new LinkedHashMap<>();
    private int next;
    private String abortReason;
    private boolean abortSent;

    @Override
    public ExperimentProgress run(ExperimentRequest request) {
        experimentId = request.experimentId();
        ExperimentSpec spec = request.spec();
        List<ExperimentCell> plan = ExperimentPlan.cells(experimentId, spec);
        for (ExperimentCell c : plan) {
            cells.add(new CellState(c.index(), c.runId(), CellStatus.PENDING));
        }
        int parallelism = ExperimentPlan.parallelism(spec, plan.size());

        while (next < plan.size() || !running.isEmpty()) {
            Workflow.await(() -> (abortReason != null && !abortSent)
                    || (abortReason == null && next < plan.size() && running.size() < parallelism)
                    || running.values().stream().anyMatch(Promise::isCompleted));
            collectFinished();
            if (abortReason != null) {
                abortRunning();
                for (; next < plan.size(); next++) {
                    setState(next, CellStatus.NOT_STARTED);
                }
                continue;
            }
            while (next < plan.size() && running.size() < parallelism) {
                start(spec, plan.get(next));
                next++;
            }
        }
        if (abortReason != null) {
            status = ExperimentStatus.ABORTED;
        } else {
            status = cells.stream().allMatch(c -> c.state() == CellStatus.SUCCEEDED)
                    ? ExperimentStatus.SUCCEEDED
                    : ExperimentStatus.FAILED;
        }
        activities.markExperimentStatus(experimentId, status);
        return progress();
    }

    private void start(ExperimentSpec spec, ExperimentCell cell) {
        PipelineSpec cellSpec;
        try {
            cellSpec = ExperimentPlan.specOf(spec, cell);
        } catch (IllegalArgumentException e) {
            // checked before the experiment started; a value that still does not fit fails its cell, not the workflow
            log.warn("cell {} of {} cannot run: {}", cell.index() + 1, experimentId, e.getMessage());
            setState(cell.index(), CellStatus.FAILED);
            return;
        }
        activities.openCellRun(experimentId, cell.index(), cell.runId(), cellSpec);
        PipelineWorkflow child = Workflow.newChildWorkflowStub(
                PipelineWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                        .setWorkflowId(cell.runId())
                        .setTaskQueue(TaskQueues.CPU)
                        // an experiment that is terminated takes its runs with it; aborts go through abort()
                        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE)
                        .build());
        Promise<PipelineResult> result = Async.function(child::run, PipelineRequest.of(cell.runId(), cellSpec));
        // started before anything else happens, so that an abort signal finds it
        Workflow.getWorkflowExecution(child).get();
        running.put(cell.index(), result);
        setState(cell.index(), CellStatus.RUNNING);
    }

    private void collectFinished() {
        for (Iterator<Map.Entry<Integer, Promise<PipelineResult>>> it =
                        running.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Integer, Promise<PipelineResult>> e = it.next();
            if (!e.getValue().isCompleted()) {
                continue;
            }
            try {
                setState(e.getKey(), CellStatus.of(e.getValue().get().status()));
            } catch (ChildWorkflowFailure failure) {
                log.warn("cell {} of {} failed: {}", e.getKey() + 1, experimentId, failure.getMessage());
                setState(e.getKey(), CellStatus.FAILED);
            }
            it.remove();
        }
    }

    /** Aborts each running cell's run once; they end as ABORTED and are collected like any other end. */
    private void abortRunning() {
        if (abortSent) {
            return;
        }
        abortSent = true;
        for (Integer index : running.keySet()) {
            try {
                Workflow.newExternalWorkflowStub(
                                PipelineWorkflow.class, cells.get(index).runId())
                        .abort("experiment " + experimentId + " aborted: " + abortReason);
            } catch (SignalExternalWorkflowException alreadyEnded) {
                // it ended meanwhile; its result is collected as usual
            }
        }
    }

    private void setState(int index, CellStatus state) {
        CellState old = cells.get(index);
        cells.set(index, new CellState(index, old.runId(), state));
    }

    @Override
    public void abort(String reason) {
        if (abortReason == null) {
            abortReason = reason == null || reason.isBlank() ? "aborted by user" : reason;
        }
    }

    @Override
    public ExperimentProgress progress() {
        return new ExperimentProgress(experimentId, status, List.copyOf(cells));
    }
}

package io.bagsflow.workflows;

/**
 * Every {@code Workflow.getVersion} change id of the workflows, in one place. Each one guards a change of workflow
 * code made after runs had been recorded: a run started by older code replays the old branch, a run started by newer
 * code records the id with version 1 and takes the new one. The string values are in recorded histories (Temporal's
 * version markers, and the replay tests' {@code src/test/resources/histories}), so they never change.
 *
 * <p><b>When an old branch may go.</b> Temporal replays a workflow whenever a worker picks it up again and whenever
 * its {@code status} query is answered, for open runs and for closed ones still kept by the namespace. A run waiting
 * for a retry stays open with no time limit. So the {@code DEFAULT_VERSION} branch of a change may be removed only
 * when both hold:
 *
 * <ol>
 *   <li>no run of that workflow type started before the change's date is still open ({@code temporal workflow list
 *       --query "WorkflowType='PipelineWorkflow' AND ExecutionStatus='Running' AND StartTime < 'DATE'"} is empty;
 *       abort the stragglers first), and
 *   <li>the namespace's retention has passed since the last such run closed (24 hours for the {@code default}
 *       namespace that the compose file's auto-setup creates, unless it was changed).
 * </ol>
 *
 * <p>Removing it means: keep the {@code getVersion} call with {@code minSupported} raised to 1 (so a history of the
 * old code fails loudly instead of replaying wrong), drop the old branch, and drop the recorded histories that only
 * the old branch could replay (each constant names them). The constant itself stays while any {@code getVersion}
 * call uses it. "Removable after" below is the earliest such date: the change's commit date; the real date is the
 * one when the checks above pass on the deployment.
 */
public final class WorkflowVersions {

    private WorkflowVersions() {}

    /**
     * PipelineWorkflow records its own end: the run's end and cause are recorded whatever ends it (an abort ends it
     * with {@code endRun} and its reason), and an abort waits until the stage in progress has stopped
     * ({@code WAIT_CANCELLATION_COMPLETED}). Added 2026-12-01 (commit 153673c). Old branch: replayed by
     * {@code pipeline-retry.json}; new: every other pipeline history. Removable after 2026-12-01 under the class
     * rule; {@code pipeline-retry.json} goes with it (together with {@link #PARALLEL_PARTS}, recorded at the same
     * time).
     */
    public static final String RECORDS_NEVER_LIE = "records-never-lie";

    /**
     * PipelineWorkflow runs the parts of a stage (one per model) concurrently, each on whichever worker of its queue
     * is free, instead of one after another. Added 2026-12-01 (commit 153673c). Old branch: {@code
     * pipeline-retry.json}; new: every other pipeline history. Removable after 2026-12-01 under the class rule.
     */
    public static final String PARALLEL_PARTS = "parallel-parts";

    /**
     * PipelineWorkflow: a stage that fails with a {@code CorruptInput} failure naming an earlier stage of the run
     * makes that earlier stage again (once per stage and run) and goes on, instead of waiting for a retry. Added
     * 2026-12-01 (commit 68a6cba). Old branch: {@code pipeline-retry.json} and {@code pipeline-retry-v1.json} (a
     * failed stage waits for a retry); new: {@code pipeline-remake-v1.json}, {@code pipeline-remake-v2.json} (and
     * {@code pipeline-retry-v2.json}, whose failure is not a corrupt input). Removable after 2026-12-01 under the class
     * rule.
     */
    public static final String RECOMPUTE_CORRUPT_INPUT = "recompute-corrupt-input";

    /**
     * PipelineWorkflow: any exception of the workflow code itself (a bug: an {@code orElseThrow}, a
     * {@code Stage.valueOf}) ends the run FAILED with the exception as its cause and fails the workflow, instead of
     * failing the workflow task, which Temporal retries for ever while the run shows RUNNING. Added 2026-12-06 (commit
     * df164c2). Old branch: {@code pipeline-retry-v1.json} (no bug happens in it: both branches take the same path
     * until one does; a run of the old code that hit a bug never ended, so there is no history of that); new: the
     * {@code -v2} histories, {@code pipeline-bug-v2.json} with a bug. Removable after 2026-12-06 under the class
     * rule.
     */
    public static final String UNEXPECTED_FAILS_RUN = "unexpected-fails-run";

    /**
     * PipelineWorkflow: the remake of a corrupt input's producer ({@link #RECOMPUTE_CORRUPT_INPUT}) runs in a
     * cancellable scope, so an abort stops it like any stage, and a remake that failed may be tried again by the next
     * retry instead of blocking every later retry. Added 2026-12-06 (commit df164c2). Old branch: {@code
     * pipeline-remake-v1.json}; new: {@code pipeline-remake-v2.json}. Removable after 2026-12-06 under the class
     * rule; {@code pipeline-remake-v1.json} goes with it.
     */
    public static final String ABORTABLE_REMAKE = "abortable-remake";
}

package io.bagsflow.workflows.pipeline;

/**
 * One stage as the workflow sees it: {@code state} is PENDING, RUNNING, SUCCEEDED, REUSED or FAILED;
 * {@code failures} counts failures that stopped the run; {@code lastError} is the latest one.
 */
public record StageState(Stage stage, String state, int failures, String lastError) {
}

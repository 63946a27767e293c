package io.bagsflow.model.pipeline;

import io.bagsflow.model.Stage;
import io.bagsflow.model.StageStatus;

/**
 * One stage as the workflow sees it: {@code state} is where it stands;
 * {@code attempt} counts how often the run started the stage (1, then one more per retry after a failure);
 * {@code part} is the part running or last run (a model kind, {@code kind/predict}, ...; see {@link PartKey});
 * {@code failures} counts failures that stopped the run; {@code lastError} is the latest one. Progress within an activity is in its
 * heartbeats (see {@code pipeline status}) and in the run history.
 */
public record StageState(Stage stage, StageStatus state, int attempt, String part, int failures, String lastError) {}

package io.bagsflow.model.experiment;

import io.bagsflow.model.ExperimentStatus;
import java.util.List;

/** The answer of the {@code progress} query and the workflow's result: the experiment's status and its cells'. */
public record ExperimentProgress(String experimentId, ExperimentStatus status, List<CellState> cells) {}

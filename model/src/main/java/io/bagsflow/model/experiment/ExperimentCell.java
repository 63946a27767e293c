package io.bagsflow.model.experiment;

import java.util.Map;

/**
 * One cell of an experiment: a point of the grid and a seed, run as the pipeline run {@code runId}.
 *
 * @param index  0-based position in the plan (grid keys outermost, seeds innermost)
 * @param params grid key to this cell's value
 * @param seed   null when the experiment has no seeds
 */
public record ExperimentCell(int index, Map<String, Object> params, Long seed, String runId) {}

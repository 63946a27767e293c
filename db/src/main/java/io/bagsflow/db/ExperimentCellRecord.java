package io.bagsflow.db;

import io.bagsflow.model.CellStatus;

/**
 * A cell of an experiment with its run's status: PENDING while the run does not exist yet.
 *
 * @param paramsJson grid key to value, as a JSON object in the grid's order
 */
public record ExperimentCellRecord(
        String experimentId, int index, String paramsJson, Long seed, String runId, CellStatus runStatus) {}

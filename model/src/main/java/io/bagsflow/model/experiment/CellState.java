package io.bagsflow.model.experiment;

import io.bagsflow.model.CellStatus;

/**
 * A cell as the experiment workflow sees it.
 *
 * @param state PENDING (not started), RUNNING, or how its run ended: SUCCEEDED, FAILED, ABORTED; NOT_STARTED when
 *              the experiment was aborted before it
 */
public record CellState(int index, String runId, CellStatus state) {}

package io.bagsflow.db;

import io.bagsflow.workflows.pipeline.RunStatus;
import java.time.Instant;

/**
 * Which runs to list; null fields do not filter. {@code datasetContains} matches part of the dataset label.
 */
public record RunFilter(
        RunStatus status, Instant createdAfter, Instant createdBefore, String datasetContains, int limit) {

    public static RunFilter all() {
        return new RunFilter(null, null, null, null, 100);
    }

    public RunFilter withStatus(RunStatus status) {
        return new RunFilter(status, createdAfter, createdBefore, datasetContains, limit);
    }

    public RunFilter withDataset(String datasetContains) {
        return new RunFilter(status, createdAfter, createdBefore, datasetContains, limit);
    }

    public RunFilter createdBetween(Instant after, Instant before) {
        return new RunFilter(status, after, before, datasetContains, limit);
    }
}

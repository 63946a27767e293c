package io.bagsflow.worker.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.Database;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.worker.Eventually;
import io.bagsflow.worker.TemporalConnection;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.history.RunViews.RunView;
import java.time.Duration;
import java.util.function.Predicate;

/** Connections to the embedded services for pipeline tests: launch runs, read their history, wait for them. */
final class PipelineHarness implements AutoCloseable {

    final Endpoints endpoints = TestServices.get().endpoints();
    final Database database = Database.open(
            endpoints.postgres().jdbcUrl(),
            endpoints.postgres().user(),
            endpoints.postgres().password());
    final RunRepository runs = new RunRepository(database);
    final AttemptRepository attempts = new AttemptRepository(database);
    final RunHistory history = new RunHistory(runs, new LineageRepository(database));
    final TemporalConnection temporal = TemporalConnection.connect(endpoints.temporal(), "pipeline-test");
    final PipelineLauncher launcher = new PipelineLauncher(temporal.client(), runs);

    RunView show(String runId) {
        return history.show(runId).orElseThrow();
    }

    /** `runs show --json` as the CLI prints it. */
    JsonNode showJson(String runId) {
        return RunHistory.JSON.valueToTree(show(runId));
    }

    /** Waits (polling the run history) until the condition holds; fails with the last view after the timeout. */
    RunView waitFor(String runId, Predicate<RunView> condition, Duration timeout) {
        return Eventually.await(
                timeout,
                () -> show(runId),
                condition,
                "run " + runId + " gets there",
                v -> RunHistory.JSON.valueToTree(v).toPrettyString());
    }

    RunView waitForStatus(String runId, String status, Duration timeout) {
        return Eventually.await(
                timeout,
                () -> show(runId),
                v -> v.status().name().equals(status),
                "run " + runId + " is " + status,
                v -> RunHistory.JSON.valueToTree(v).toPrettyString());
    }

    @Override
    public void close() {
        temporal.close();
        database.close();
    }
}

package io.bagsflow.web;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.pipeline.DatasetCache;
import io.bagsflow.activities.report.RunReports;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.Database;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.worker.TemporalConnection;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.experiment.ExperimentHistory;
import io.bagsflow.worker.experiment.ExperimentLauncher;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.pipeline.PipelineLauncher;

/** The UI's services over the tests' embedded PostgreSQL, S3 server and Temporal server. */
final class TestBackend implements UiBackend, AutoCloseable {

    final Endpoints endpoints = TestServices.get().endpoints();
    final Database database = Database.open(
            endpoints.postgres().jdbcUrl(),
            endpoints.postgres().user(),
            endpoints.postgres().password());
    final ArtifactStore store = ArtifactStore.connect(
            endpoints.s3().endpoint(),
            endpoints.s3().accessKey(),
            endpoints.s3().secretKey(),
            endpoints.s3().bucket());
    final TemporalConnection temporal = TemporalConnection.connect(endpoints.temporal(), "web-test");
    final PipelineLauncher launcher = new PipelineLauncher(temporal.client(), runs());
    final ExperimentLauncher experimentLauncher =
            new ExperimentLauncher(temporal.client(), new ExperimentRepository(database));

    @Override
    public RunHistory history() {
        return new RunHistory(runs(), lineage());
    }

    @Override
    public RunRepository runs() {
        return new RunRepository(database);
    }

    @Override
    public ArtifactRepository artifacts() {
        return new ArtifactRepository(database);
    }

    @Override
    public LineageRepository lineage() {
        return new LineageRepository(database);
    }

    @Override
    public RunReports reports() {
        return new RunReports(
                database, store, new DatasetCache(store, TestServices.home().resolve("cache")));
    }

    @Override
    public ArtifactStore store() {
        return store;
    }

    @Override
    public ExperimentHistory experiments() {
        return new ExperimentHistory(new ExperimentRepository(database), lineage());
    }

    @Override
    public PipelineLauncher launcher() {
        return launcher;
    }

    @Override
    public void close() {
        temporal.close();
        database.close();
    }
}

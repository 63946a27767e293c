package io.bagsflow.cli.services;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.report.RunReports;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ErrorPrinter;
import io.bagsflow.cli.experiment.ExperimentCommand;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.web.ServiceUnavailableException;
import io.bagsflow.web.UiBackend;
import io.bagsflow.worker.experiment.ExperimentHistory;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.pipeline.PipelineLauncher;
import java.util.function.Supplier;

/**
 * The web UI's services are the CLI's: the same connections and launcher the commands use, opened on first use.
 * Synchronized, since CliServices opens its connections lazily and the UI answers from several threads.
 */
final class CliUiBackend implements UiBackend {

    private final CliServices services;

    CliUiBackend(CliServices services) {
        this.services = services;
    }

    @Override
    public RunHistory history() {
        return open("PostgreSQL", services::history);
    }

    @Override
    public RunRepository runs() {
        return open("PostgreSQL", services::runs);
    }

    @Override
    public ArtifactRepository artifacts() {
        return open("PostgreSQL", () -> new ArtifactRepository(services.database()));
    }

    @Override
    public LineageRepository lineage() {
        return open("PostgreSQL", services::lineage);
    }

    @Override
    public RunReports reports() {
        return open("S3", services::reports);
    }

    @Override
    public ArtifactStore store() {
        return open("S3", services::store);
    }

    @Override
    public ExperimentHistory experiments() {
        return open("PostgreSQL", () -> ExperimentCommand.history(services));
    }

    @Override
    public PipelineLauncher launcher() {
        return open("Temporal", services::launcher);
    }

    private synchronized <T> T open(String service, Supplier<T> what) {
        try {
            return what.get();
        } catch (RuntimeException e) {
            throw new ServiceUnavailableException(service + " is not available: " + ErrorPrinter.describe(e), e);
        }
    }
}

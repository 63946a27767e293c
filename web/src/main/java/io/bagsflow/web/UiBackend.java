package io.bagsflow.web;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.report.RunReports;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.worker.experiment.ExperimentHistory;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.pipeline.PipelineLauncher;

/**
 * The services the UI reads and acts through: the same objects the CLI uses. Each accessor throws
 * {@link ServiceUnavailableException} when its service cannot be reached (the API answers 503 then).
 * Called from several request threads at once.
 */
public interface UiBackend {

    /** PostgreSQL: runs, stages, models, evaluations. */
    RunHistory history();

    RunRepository runs();

    /** PostgreSQL: the artifacts runs registered (downloads serve only hashes it knows). */
    ArtifactRepository artifacts();

    LineageRepository lineage();

    /** PostgreSQL and S3: report views of models (plots need curves and checkpoints). */
    RunReports reports();

    /** S3: artifact downloads and stored reports. */
    ArtifactStore store();

    /** PostgreSQL: experiments with their cells and summaries, as {@code experiment list} and {@code show} read them. */
    ExperimentHistory experiments();

    /** Temporal: retry and abort, through the code {@code stage retry} and {@code pipeline abort} use. */
    PipelineLauncher launcher();
}

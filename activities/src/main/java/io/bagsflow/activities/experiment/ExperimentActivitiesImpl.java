package io.bagsflow.activities.experiment;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.workflows.experiment.ExperimentActivities;
import io.bagsflow.workflows.experiment.ExperimentStatus;
import io.bagsflow.workflows.spec.PipelineSpec;

/** Experiment bookkeeping: a cell's run is recorded just before it starts; the experiment's end. */
public class ExperimentActivitiesImpl implements ExperimentActivities {

    private final RunRepository runs;
    private final ExperimentRepository experiments;

    public ExperimentActivitiesImpl(RunRepository runs, ExperimentRepository experiments) {
        this.runs = runs;
        this.experiments = experiments;
    }

    @Override
    public void openCellRun(String experimentId, int cellIndex, String runId, PipelineSpec spec) {
        // a retried activity (or a replayed workflow) finds the run already there
        if (runs.findRun(runId).isEmpty()) {
            runs.createRun(
                    runId,
                    runId,
                    PipelineSpecs.toJson(spec),
                    CodeVersion.get(),
                    spec.dataset().label(),
                    null);
        }
    }

    @Override
    public void markExperimentStatus(String experimentId, ExperimentStatus status) {
        experiments.updateStatus(experimentId, status);
    }
}

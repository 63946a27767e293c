package io.bagsflow.activities.experiment;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.RunLabelRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.Transitions;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.workflows.experiment.ExperimentActivities;
import java.util.Map;
import org.slf4j.LoggerFactory;

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
        // found with the other cells by `runs list --tag experiment=ID` (an upsert: a retry tags it again)
        new RunLabelRepository(runs.database())
                .label(runId, null, null, Map.of("experiment", experimentId, "cell", Integer.toString(cellIndex + 1)));
    }

    @Override
    public void markExperimentStatus(String experimentId, ExperimentStatus status) {
        try {
            experiments.updateStatus(experimentId, status);
        } catch (Transitions.IllegalTransition ended) {
            // the reconciler ended it first (its workflow looked gone): the first end stands, a retry would not help
            LoggerFactory.getLogger(ExperimentActivitiesImpl.class)
                    .info("experiment {} keeps its end: {}", experimentId, ended.getMessage());
        }
    }
}

package io.bagsflow.workflows.pipeline;

import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.activity.ActivityInterface;

/** Metric computation and reporting, on the CPU queue. */
@ActivityInterface
public interface EvaluationActivities {

    /** EVALUATE, second half: LVIS evaluation of a model's results; records the metrics in the lineage. */
    StageResult score(StageInput input);

    /** EVALUATE, last: the HTML report of the run (comparison of its model generations). */
    StageResult report(StageInput input);
}

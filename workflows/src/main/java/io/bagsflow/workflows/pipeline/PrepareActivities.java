package io.bagsflow.workflows.pipeline;

import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.activity.ActivityInterface;

/** PREPARE, on the CPU queue. */
@ActivityInterface
public interface PrepareActivities {

    /**
     * Makes or imports the dataset, validates it, and writes the dataset manifest, the annotation files, the image
     * archive, category statistics and the BAGS group files as artifacts. Bad input fails without retries.
     */
    StageResult prepare(StageInput input);
}

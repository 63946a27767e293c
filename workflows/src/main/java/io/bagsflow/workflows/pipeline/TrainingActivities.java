package io.bagsflow.workflows.pipeline;

import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.activity.ActivityInterface;

/** Training, fine-tuning and inference, on the GPU queue. */
@ActivityInterface
public interface TrainingActivities {

    /** TRAIN_BASE: trains the base detector (generation 0), heartbeating progress and the last checkpoint. */
    StageResult trainBase(StageInput input);

    /** FINETUNE_BAGS: classifier-only retraining of the base model with the method named by {@code input.kind()}. */
    StageResult finetune(StageInput input);

    /** EVALUATE, first half: runs {@code input.model()} over the val images into an LVIS results file. */
    StageResult predict(StageInput input);
}

package io.bagsflow.model.pipeline;

import io.bagsflow.model.Stage;

/**
 * One part of a stage: the unit that runs as one activity, is recorded as one attempt and is not redone when the
 * stage is retried after it succeeded. {@code part} is the name stored with the attempt and shown in the stage's
 * state: empty for PREPARE, the model kind for training and fine-tuning, {@code kind/predict} and
 * {@code kind/score} for evaluation, {@code report} for the run's report.
 */
public record PartKey(Stage stage, String part) {

    private static final String PREDICT = "/predict";
    private static final String SCORE = "/score";
    private static final String TAKEN = "taken";

    public PartKey {
        if (stage == null || part == null) {
            throw new IllegalArgumentException("a part key needs a stage and a part (empty for the whole stage)");
        }
    }

    /** A stage done by one activity with no model to name (PREPARE). */
    public static PartKey whole(Stage stage) {
        return new PartKey(stage, "");
    }

    /** Training of the generation-0 model. */
    public static PartKey base() {
        return new PartKey(Stage.TRAIN_BASE, ModelRef.BASE);
    }

    /** Fine-tuning of one generation-1 kind. */
    public static PartKey finetune(String kind) {
        return new PartKey(Stage.FINETUNE_BAGS, kind);
    }

    /** Predictions of the model of this kind on the validation set. */
    public static PartKey predict(String kind) {
        return new PartKey(Stage.EVALUATE, kind + PREDICT);
    }

    /** Scoring of the predictions of the model of this kind. */
    public static PartKey score(String kind) {
        return new PartKey(Stage.EVALUATE, kind + SCORE);
    }

    /** The run's report, after every model was scored. */
    public static PartKey report() {
        return new PartKey(Stage.EVALUATE, ArtifactNames.REPORT);
    }

    /** A stage whose outputs are taken from an earlier run ({@code --resume-from}). */
    public static PartKey taken(Stage stage) {
        return new PartKey(stage, TAKEN);
    }

    @Override
    public String toString() {
        return part.isEmpty() ? stage.name() : stage + "/" + part;
    }
}

package io.bagsflow.activities.pipeline;

/** Model ids are derived from the run and the model's kind: {@code <run id>-base}, {@code <run id>-bags}, ... */
public final class ModelIds {

    private ModelIds() {}

    public static String of(String runId, String kind) {
        return runId + "-" + kind;
    }
}

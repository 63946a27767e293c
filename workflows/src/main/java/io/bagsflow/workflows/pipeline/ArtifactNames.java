package io.bagsflow.workflows.pipeline;

/**
 * The names of a run's artifacts: the keys of {@link StageResult#outputs()} and {@link StageInput#artifacts()},
 * stored with each attempt's outputs. Writers and readers both take them from here, so a name cannot drift.
 */
public final class ArtifactNames {

    /** PREPARE's outputs, read by the later stages. */
    public static final String MANIFEST = "manifest";

    public static final String TRAIN = "train";
    public static final String VAL = "val";
    public static final String IMAGES = "images";
    public static final String GROUPS = "groups";
    public static final String GROUPS_NPZ = "groups_npz";
    public static final String REPEAT_FACTORS = "repeat_factors";
    public static final String CLASS_WEIGHTS = "class_weights";
    public static final String STATISTICS = "statistics";
    /** The run's HTML report, the output of EVALUATE's last part. */
    public static final String REPORT = "report";

    private static final String CHECKPOINT = "checkpoint/";
    private static final String CURVE = "curve/";
    private static final String RESULTS = "results/";
    private static final String METRICS = "metrics/";
    private static final String TABLE = "table/";
    private static final String MASK_METRICS = "mask-metrics/";
    private static final String MASK_TABLE = "mask-table/";

    private ArtifactNames() {}

    /** The trained checkpoint of a model of this kind (base, bags, ...). */
    public static String checkpoint(String kind) {
        return CHECKPOINT + kind;
    }

    /** The training curve of a model of this kind, a {@link TrainingCurve} as JSON. */
    public static String curve(String kind) {
        return CURVE + kind;
    }

    /** The detections of a model of this kind on the validation set (LVIS results JSON). */
    public static String results(String kind) {
        return RESULTS + kind;
    }

    /** The LVIS evaluation of those detections (JSON: the 13 metrics and per-category values). */
    public static String metrics(String kind) {
        return METRICS + kind;
    }

    /** The LVIS evaluation of those detections as a markdown table. */
    public static String table(String kind) {
        return TABLE + kind;
    }

    /** The LVIS mask evaluation (iou_type segm) of those detections, for a model with a mask head. */
    public static String maskMetrics(String kind) {
        return MASK_METRICS + kind;
    }

    /** The mask evaluation as a markdown table. */
    public static String maskTable(String kind) {
        return MASK_TABLE + kind;
    }
}

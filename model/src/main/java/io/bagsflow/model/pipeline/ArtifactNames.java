package io.bagsflow.model.pipeline;

/**
 * The names of a run's artifacts: the keys of {@link StageResult#outputs()} and {@link StageInput#artifacts()},
 * stored with each attempt's outputs. Writers and readers both take them from here, so a name cannot drift.
 */
public final class ArtifactNames {

    /** PREPARE's outputs, read by the later stages. */
    public static final String MANIFEST = "manifest";

    public static final String TRAIN = "train";
    public static final String VAL = "val";
    /**
     * The held-out split that results are reported on. A dataset without one stores val under this name too (same
     * hash), and everything that reports it says so. Runs prepared before test splits have none: val serves then.
     */
    public static final String TEST = "test";

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
    private static final String TEST_SUFFIX = "@test";
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

    /** The detections of a model of this kind on the test set ({@link #results} is val's). */
    public static String testResults(String kind) {
        return RESULTS + kind + TEST_SUFFIX;
    }

    /** The LVIS evaluation of a model of this kind on the test set, as JSON ({@link #metrics} is val's). */
    public static String testMetrics(String kind) {
        return METRICS + kind + TEST_SUFFIX;
    }

    /** The same as a markdown table. */
    public static String testTable(String kind) {
        return TABLE + kind + TEST_SUFFIX;
    }

    /**
     * The LVIS mask evaluation (iou_type segm) on the validation set of a model with a mask head (JSON, as
     * {@link #metrics}); its detections are {@link #results}' masks.
     */
    public static String maskMetrics(String kind) {
        return MASK_METRICS + kind;
    }

    /** The mask evaluation on the validation set as a markdown table. */
    public static String maskTable(String kind) {
        return MASK_TABLE + kind;
    }

    /** The LVIS mask evaluation on the test set ({@link #maskMetrics} is val's). */
    public static String testMaskMetrics(String kind) {
        return MASK_METRICS + kind + TEST_SUFFIX;
    }

    /** The test set's mask evaluation as a markdown table. */
    public static String testMaskTable(String kind) {
        return MASK_TABLE + kind + TEST_SUFFIX;
    }
}

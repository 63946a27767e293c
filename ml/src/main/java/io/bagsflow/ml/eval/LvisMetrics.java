package io.bagsflow.ml.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 13 summary numbers of lvis-api's {@code LVISEval.results}, in its order. -1.0 means undefined (no
 * category with GT in that area range or frequency group); lvis-api returns the int -1 there.
 */
public record LvisMetrics(
        double ap,
        double ap50,
        double ap75,
        double aps,
        double apm,
        double apl,
        double apr,
        double apc,
        double apf,
        double ar,
        double ars,
        double arm,
        double arl) {

    // lvis-api's result keys: the one definition of the metric names in this project (stored in evaluation JSON,
    // shown in tables and charts, printed by --json outputs)
    public static final String AP = "AP";
    public static final String AP50 = "AP50";
    public static final String AP75 = "AP75";
    public static final String APS = "APs";
    public static final String APM = "APm";
    public static final String APL = "APl";
    /** AP of the rare categories (1-10 training images) */
    public static final String APR = "APr";
    /** AP of the common categories (11-100 training images) */
    public static final String APC = "APc";
    /** AP of the frequent categories (more than 100 training images) */
    public static final String APF = "APf";

    public static final String AR = "AR@300";
    public static final String ARS = "ARs@300";
    public static final String ARM = "ARm@300";
    public static final String ARL = "ARl@300";

    /** lvis-api's result keys, in order (max detections per image: 300). */
    public static final List<String> KEYS = List.of(AP, AP50, AP75, APS, APM, APL, APR, APC, APF, AR, ARS, ARM, ARL);
    /** The headline numbers of tables: overall AP at three IoU settings and AP per frequency group. */
    public static final List<String> HEADLINE = List.of(AP, AP50, AP75, APR, APC, APF);
    /** AP per frequency group and overall, as plotted (the long tail first). */
    public static final List<String> BY_FREQUENCY = List.of(APR, APC, APF, AP);

    /** Key to value for 13 values in the order of {@link #KEYS} (as stored in a database row). */
    public static Map<String, Double> named(double[] values) {
        if (values.length != KEYS.size()) {
            throw new IllegalArgumentException(KEYS.size() + " LVIS metrics expected, got " + values.length);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            out.put(KEYS.get(i), values[i]);
        }
        return out;
    }

    /** The values in the order of {@link #KEYS}. */
    public double[] values() {
        return new double[] {ap, ap50, ap75, aps, apm, apl, apr, apc, apf, ar, ars, arm, arl};
    }

    /** Key to value, in the order of {@link #KEYS}. */
    public Map<String, Double> asMap() {
        return named(values());
    }

    static LvisMetrics of(double[] v) {
        return new LvisMetrics(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }
}

package io.bagsflow.ml.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 13 summary numbers of lvis-api's {@code LVISEval.results}, in its order. -1.0 means undefined (no
 * category with GT in that area range or frequency group); lvis-api returns the int -1 there.
 */
public record LvisMetrics(
        double ap, double ap50, double ap75, double aps, double apm, double apl,
        double apr, double apc, double apf,
        double ar, double ars, double arm, double arl) {

    /** lvis-api's result keys, in order (max detections per image: 300). */
    public static final List<String> KEYS = List.of(
            "AP", "AP50", "AP75", "APs", "APm", "APl", "APr", "APc", "APf",
            "AR@300", "ARs@300", "ARm@300", "ARl@300");

    /** The values in the order of {@link #KEYS}. */
    public double[] values() {
        return new double[] {ap, ap50, ap75, aps, apm, apl, apr, apc, apf, ar, ars, arm, arl};
    }

    /** Key to value, in the order of {@link #KEYS}. */
    public Map<String, Double> asMap() {
        Map<String, Double> out = new LinkedHashMap<>();
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            out.put(KEYS.get(i), v[i]);
        }
        return out;
    }

    static LvisMetrics of(double[] v) {
        return new LvisMetrics(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }
}

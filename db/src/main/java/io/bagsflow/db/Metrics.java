package io.bagsflow.db;

import java.util.LinkedHashMap;
import java.util.Map;

/** The 13 official LVIS bbox metrics; -1 means undefined, as in lvis-api. */
public record Metrics(
        double ap, double ap50, double ap75, double aps, double apm, double apl,
        double apr, double apc, double apf,
        double ar300, double ars300, double arm300, double arl300) {

    /** The lvis-api key names, in lvis-api order. */
    public static final String[] KEYS = {
        "AP", "AP50", "AP75", "APs", "APm", "APl", "APr", "APc", "APf", "AR@300", "ARs@300", "ARm@300", "ARl@300"
    };

    public double[] values() {
        return new double[] {ap, ap50, ap75, aps, apm, apl, apr, apc, apf, ar300, ars300, arm300, arl300};
    }

    public static Metrics of(double[] v) {
        if (v.length != 13) {
            throw new IllegalArgumentException("13 LVIS metrics expected, got " + v.length);
        }
        return new Metrics(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }

    /** The metrics by lvis-api key name, in lvis-api order. */
    public Map<String, Double> asMap() {
        double[] v = values();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.length; i++) {
            out.put(KEYS[i], v[i]);
        }
        return out;
    }
}

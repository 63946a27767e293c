package io.bagsflow.db;

/**
 * The 13 official LVIS bbox metrics of an evaluation row, in lvis-api order; -1 means undefined, as in lvis-api.
 * Their names are defined once, by {@code io.bagsflow.ml.eval.LvisMetrics} (this module does not depend on ml):
 * name them with {@code LvisMetrics.named(metrics.values())}.
 */
public record Metrics(
        double ap,
        double ap50,
        double ap75,
        double aps,
        double apm,
        double apl,
        double apr,
        double apc,
        double apf,
        double ar300,
        double ars300,
        double arm300,
        double arl300) {

    public double[] values() {
        return new double[] {ap, ap50, ap75, aps, apm, apl, apr, apc, apf, ar300, ars300, arm300, arl300};
    }

    public static Metrics of(double[] v) {
        if (v.length != 13) {
            throw new IllegalArgumentException("13 LVIS metrics expected, got " + v.length);
        }
        return new Metrics(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }
}

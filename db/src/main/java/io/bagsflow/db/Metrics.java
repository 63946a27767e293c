package io.bagsflow.db;

import java.util.Arrays;

/**
 * The 13 official LVIS bbox metrics of an evaluation row, in lvis-api order (the order of the evaluation table's
 * metric columns); -1 means undefined, as in lvis-api. Their names are defined once, by
 * {@code io.bagsflow.ml.eval.LvisMetrics} (this module does not depend on ml): name them with
 * {@code LvisMetrics.named(metrics.values())}. This row only carries the values, so it does not spell the names again.
 */
public final class Metrics {

    /** How many values an evaluation row has. */
    public static final int COUNT = 13;

    private final double[] values;

    private Metrics(double[] values) {
        this.values = values;
    }

    /** The 13 values, in lvis-api order (a copy). */
    public double[] values() {
        return values.clone();
    }

    public static Metrics of(double[] v) {
        if (v.length != COUNT) {
            throw new IllegalArgumentException(COUNT + " LVIS metrics expected, got " + v.length);
        }
        return new Metrics(v.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metrics m && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Metrics" + Arrays.toString(values);
    }
}

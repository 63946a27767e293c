package io.bagsflow.ml.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Student's t distribution, from Apache Commons Math rather than special functions of our own. The quantile is
 * asked to 1e-14 (Commons Math's default solver accuracy is 1e-9, too coarse for small quantiles such as
 * t(0.6, 1) = 0.32); no random generator is made, since nothing here samples.
 */
public final class StudentT {

    private static final double QUANTILE_ACCURACY = 1e-14;

    private StudentT() {}

    /** P(T <= t) for {@code df} degrees of freedom. */
    public static double cdf(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        return distribution(df).cumulativeProbability(t);
    }

    /** The {@code p} quantile: the t with P(T <= t) = p; t(0.975, 10) = 2.228. */
    public static double quantile(double p, double df) {
        checkDf(df);
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a quantile needs 0 < p < 1, got " + p);
        }
        return distribution(df).inverseCumulativeProbability(p);
    }

    private static TDistribution distribution(double df) {
        return new TDistribution(null, df, QUANTILE_ACCURACY);
    }

    private static void checkDf(double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive, got " + df);
        }
    }
}

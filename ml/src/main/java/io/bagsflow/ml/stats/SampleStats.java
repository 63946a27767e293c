package io.bagsflow.ml.stats;

/**
 * Mean and spread of a small sample (the seeds of an experiment cell): the sample standard deviation (n - 1) and
 * the two-sided 95% confidence interval of the mean by Student's t. With one value there is no spread: std and
 * interval are NaN, never a made-up zero.
 */
public record SampleStats(int n, double mean, double std, double ciLow, double ciHigh) {

    public static SampleStats of(double[] values) {
        int n = values.length;
        if (n == 0) {
            return new SampleStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n == 1) {
            return new SampleStats(1, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(squares / (n - 1));
        double half = StudentT.quantile(0.975, n - 1) * std / Math.sqrt(n);
        return new SampleStats(n, mean, std, mean - half, mean + half);
    }
}

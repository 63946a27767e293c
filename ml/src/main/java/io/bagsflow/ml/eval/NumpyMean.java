package io.bagsflow.ml.eval;

/**
 * Means computed the way numpy computes {@code np.mean} of a contiguous float64 array, so that summary numbers
 * match lvis-api to the last bit rather than to about 1e-13: numpy adds pairwise, in blocks of at most 128
 * values summed with 8 accumulators, splitting larger ranges in halves rounded down to a multiple of 8.
 */
final class NumpyMean {

    private static final int BLOCK = 128;

    private NumpyMean() {}

    /** The mean of {@code values[0, n)}, or -1 when n is 0 (lvis-api's "mean over entries > -1, else -1"). */
    static double meanOrMinusOne(double[] values, int n) {
        return n == 0 ? -1.0 : pairwiseSum(values, 0, n) / n;
    }

    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double r0 = a[from];
            double r1 = a[from + 1];
            double r2 = a[from + 2];
            double r3 = a[from + 3];
            double r4 = a[from + 4];
            double r5 = a[from + 5];
            double r6 = a[from + 6];
            double r7 = a[from + 7];
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                r0 += a[from + i];
                r1 += a[from + i + 1];
                r2 += a[from + i + 2];
                r3 += a[from + i + 3];
                r4 += a[from + i + 4];
                r5 += a[from + i + 5];
                r6 += a[from + i + 6];
                r7 += a[from + i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }
}

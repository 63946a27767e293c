package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.Frequency;
import java.util.ArrayList;
import java.util.List;

/**
 * lvis-api's {@code _summarize}: each number is the mean over the entries of a slice of the precision or
 * recall array that are not -1, taken in numpy's C order (IoU threshold, recall threshold, category) and
 * summed as numpy does, so the results match to the last bit.
 */
final class Summaries {

    private static final int T = LvisEvalParams.T;
    private static final int R = LvisEvalParams.R;

    private final CategoryCurves[] curves;
    private final double[] buffer;

    Summaries(CategoryCurves[] curves) {
        this.curves = curves;
        this.buffer = new double[Math.max(1, T * R * curves.length)];
    }

    LvisMetrics metrics(Frequency[] frequency) {
        int t50 = LvisEvalParams.iouIndex(0.50);
        int t75 = LvisEvalParams.iouIndex(0.75);
        return LvisMetrics.of(new double[] {
            ap(0, -1, null, frequency),
            ap(0, t50, null, frequency),
            ap(0, t75, null, frequency),
            ap(1, -1, null, frequency),
            ap(2, -1, null, frequency),
            ap(3, -1, null, frequency),
            ap(0, -1, Frequency.RARE, frequency),
            ap(0, -1, Frequency.COMMON, frequency),
            ap(0, -1, Frequency.FREQUENT, frequency),
            ar(0),
            ar(1),
            ar(2),
            ar(3),
        });
    }

    /** precision[t, :, k, a] over categories (of one frequency group if given), one threshold or all (t = -1). */
    private double ap(int a, int onlyT, Frequency group, Frequency[] frequency) {
        int n = 0;
        for (int t = onlyT < 0 ? 0 : onlyT; t < (onlyT < 0 ? T : onlyT + 1); t++) {
            for (int r = 0; r < R; r++) {
                for (int k = 0; k < curves.length; k++) {
                    if (group != null && frequency[k] != group) {
                        continue;
                    }
                    double v = curves[k].precision(a, t, r);
                    if (v > -1) {
                        buffer[n++] = v;
                    }
                }
            }
        }
        return NumpyMean.meanOrMinusOne(buffer, n);
    }

    private double ar(int a) {
        int n = 0;
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < curves.length; k++) {
                double v = curves[k].recall(a, t);
                if (v > -1) {
                    buffer[n++] = v;
                }
            }
        }
        return NumpyMean.meanOrMinusOne(buffer, n);
    }

    /** The values of category k, each a mean over its own slice of the arrays. */
    static CategoryEvaluation category(int categoryId, Frequency frequency, CategoryCurves c) {
        double[] buf = new double[T * R];
        int t50 = LvisEvalParams.iouIndex(0.50);
        int t75 = LvisEvalParams.iouIndex(0.75);
        List<Double> apPerIou = new ArrayList<>(T);
        List<Double> recallPerIou = new ArrayList<>(T);
        for (int t = 0; t < T; t++) {
            apPerIou.add(precisionMean(c, 0, t, t + 1, buf));
            recallPerIou.add(c.recall(0, t));
        }
        return new CategoryEvaluation(
                categoryId,
                frequency,
                List.of(
                        precisionMean(c, 0, 0, T, buf),
                        precisionMean(c, 0, t50, t50 + 1, buf),
                        precisionMean(c, 0, t75, t75 + 1, buf),
                        precisionMean(c, 1, 0, T, buf),
                        precisionMean(c, 2, 0, T, buf),
                        precisionMean(c, 3, 0, T, buf),
                        recallMean(c, 0, buf),
                        recallMean(c, 1, buf),
                        recallMean(c, 2, buf),
                        recallMean(c, 3, buf)),
                apPerIou,
                recallPerIou,
                c.numGt[0],
                c.numDt,
                c.numTpIou50);
    }

    private static double precisionMean(CategoryCurves c, int a, int fromT, int toT, double[] buf) {
        int n = 0;
        for (int t = fromT; t < toT; t++) {
            for (int r = 0; r < R; r++) {
                double v = c.precision(a, t, r);
                if (v > -1) {
                    buf[n++] = v;
                }
            }
        }
        return NumpyMean.meanOrMinusOne(buf, n);
    }

    private static double recallMean(CategoryCurves c, int a, double[] buf) {
        int n = 0;
        for (int t = 0; t < T; t++) {
            double v = c.recall(a, t);
            if (v > -1) {
                buf[n++] = v;
            }
        }
        return NumpyMean.meanOrMinusOne(buf, n);
    }
}

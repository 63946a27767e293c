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
        // One pass over every category's curve instead of nine: AP50 and AP75 are the slices of AP's values at their
        // threshold, APr, APc and APf take each group's values and APs, APm and APl their area's, each in the order
        // the separate passes took them. The same values in the same order give the same sums; the nine passes were
        // most of a small case's evaluation time (the golden lvis_val_100 cases: 1,230 categories).
        int[] tStart = new int[T + 1];
        Frequency[] groups = Frequency.values();
        int[] perGroup = new int[groups.length];
        for (Frequency f : frequency) {
            if (f != null) {
                perGroup[f.ordinal()]++;
            }
        }
        double[][] groupValues = new double[groups.length][];
        for (int g = 0; g < groups.length; g++) {
            groupValues[g] = new double[Math.max(1, T * R * perGroup[g])];
        }
        int[] groupN = new int[groups.length];
        double[][] areaValues = new double[LvisEvalParams.A][];
        areaValues[0] = buffer;
        for (int a = 1; a < LvisEvalParams.A; a++) {
            areaValues[a] = new double[buffer.length];
        }
        int[] areaN = new int[LvisEvalParams.A];
        for (int t = 0; t < T; t++) {
            tStart[t] = areaN[0];
            for (int r = 0; r < R; r++) {
                for (int k = 0; k < curves.length; k++) {
                    CategoryCurves c = curves[k];
                    double v = c.precision(0, t, r);
                    if (v > -1) {
                        buffer[areaN[0]++] = v;
                        Frequency f = frequency[k];
                        if (f != null) {
                            groupValues[f.ordinal()][groupN[f.ordinal()]++] = v;
                        }
                    }
                    for (int a = 1; a < LvisEvalParams.A; a++) {
                        double va = c.precision(a, t, r);
                        if (va > -1) {
                            areaValues[a][areaN[a]++] = va;
                        }
                    }
                }
            }
        }
        tStart[T] = areaN[0];
        return LvisMetrics.of(new double[] {
            NumpyMean.meanOrMinusOne(buffer, areaN[0]),
            slice(buffer, tStart[t50], tStart[t50 + 1]),
            slice(buffer, tStart[t75], tStart[t75 + 1]),
            NumpyMean.meanOrMinusOne(areaValues[1], areaN[1]),
            NumpyMean.meanOrMinusOne(areaValues[2], areaN[2]),
            NumpyMean.meanOrMinusOne(areaValues[3], areaN[3]),
            NumpyMean.meanOrMinusOne(groupValues[Frequency.RARE.ordinal()], groupN[Frequency.RARE.ordinal()]),
            NumpyMean.meanOrMinusOne(groupValues[Frequency.COMMON.ordinal()], groupN[Frequency.COMMON.ordinal()]),
            NumpyMean.meanOrMinusOne(groupValues[Frequency.FREQUENT.ordinal()], groupN[Frequency.FREQUENT.ordinal()]),
            ar(0),
            ar(1),
            ar(2),
            ar(3),
        });
    }

    /** The mean of {@code values[from, to)} as numpy takes it of that slice alone; -1 when empty. */
    private static double slice(double[] values, int from, int to) {
        int n = to - from;
        return n == 0 ? -1.0 : NumpyMean.pairwiseSum(values, from, n) / n;
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

package io.bagsflow.ml.eval;

import io.bagsflow.ml.bags.BinEdges;
import java.util.ArrayList;
import java.util.List;

/**
 * AP per BAGS bin, the paper's per-group view beside APr/APc/APf: the classes of each bin of training instance counts
 * ({@code [0,10)}, {@code [10,100)}, ...), their AP averaged the way lvis-api averages APr over its rare classes (the
 * mean over the classes that have an AP, i.e. ground truth in the evaluated split).
 *
 * @param bin           the bin as {@link BinEdges#label} writes it, e.g. {@code [10,100)}
 * @param classes       classes whose training instance count falls in the bin
 * @param classesWithAp those of them with an AP in this evaluation (not -1)
 * @param ap            their mean AP; -1 (undefined, as lvis-api) when none has one
 */
public record BinAp(String bin, int classes, int classesWithAp, double ap) {

    /**
     * One entry per bin, in bin order.
     *
     * @param trainInstances per class, its training instance count
     * @param ap             per class (same order), its AP; -1 when undefined
     */
    public static List<BinAp> of(BinEdges bins, int[] trainInstances, double[] ap) {
        if (trainInstances.length != ap.length) {
            throw new IllegalArgumentException(
                    trainInstances.length + " instance counts for " + ap.length + " per-class APs");
        }
        int g = bins.numGroups();
        int[] classes = new int[g];
        int[] withAp = new int[g];
        double[] sum = new double[g];
        for (int i = 0; i < ap.length; i++) {
            int group = bins.groupOf(trainInstances[i]) - 1;
            classes[group]++;
            if (ap[i] > -1) {
                withAp[group]++;
                sum[group] += ap[i];
            }
        }
        List<BinAp> out = new ArrayList<>(g);
        for (int i = 0; i < g; i++) {
            out.add(new BinAp(bins.label(i + 1), classes[i], withAp[i], withAp[i] == 0 ? -1 : sum[i] / withAp[i]));
        }
        return out;
    }
}

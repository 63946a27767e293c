package io.bagsflow.ml.bags;

import io.bagsflow.ml.dataset.CategoryCount;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.lvis.Frequency;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * The training set at a glance, per BAGS group and per LVIS frequency label: classes, instances, and images
 * (training images with at least one instance of those classes). Instances and images are counted from the
 * annotations; the group of a class is whatever {@code groups} says.
 */
public final class StatisticsTable {

    private StatisticsTable() {}

    public static String format(CategoryStatistics stats, BagsGroups groups) {
        StringBuilder s = new StringBuilder();
        int annotated = 0;
        long instances = 0;
        for (int[] labels : stats.imageLabels()) {
            annotated += labels.length > 0 ? 1 : 0;
        }
        for (CategoryCount c : stats.categories()) {
            instances += c.instanceCount();
        }
        s.append(String.format(
                Locale.ROOT,
                "training set: %d images (%d with instances), %d instances, %d classes\n",
                stats.numImages(),
                annotated,
                instances,
                stats.numClasses()));
        s.append(String.format(
                Locale.ROOT, "%-6s %-14s %8s %10s %8s\n", "group", "bin", "classes", "instances", "images"));
        for (int g = 1; g <= groups.numGroups(); g++) {
            int group = g;
            row(s, Integer.toString(g), groups.bins().label(g), stats, label -> groups.groupOf(label) == group);
        }
        s.append(String.format(
                Locale.ROOT, "%-6s %-14s %8s %10s %8s\n", "freq", "images/class", "classes", "instances", "images"));
        row(s, "r", "1-10", stats, label -> frequency(stats, label) == Frequency.RARE);
        row(s, "c", "11-100", stats, label -> frequency(stats, label) == Frequency.COMMON);
        row(s, "f", ">100", stats, label -> frequency(stats, label) == Frequency.FREQUENT);
        row(s, "all", "", stats, label -> true);
        return s.toString();
    }

    private static Frequency frequency(CategoryStatistics stats, int label) {
        return stats.categories().get(label - 1).frequency();
    }

    private static void row(StringBuilder s, String name, String range, CategoryStatistics stats, IntPredicate in) {
        int classes = 0;
        long instances = 0;
        for (int label = 1; label <= stats.numClasses(); label++) {
            if (in.test(label)) {
                classes++;
                instances += stats.categories().get(label - 1).instanceCount();
            }
        }
        int images = 0;
        for (int[] labels : stats.imageLabels()) {
            for (int label : labels) {
                if (in.test(label)) {
                    images++;
                    break;
                }
            }
        }
        s.append(String.format(Locale.ROOT, "%-6s %-14s %8d %10d %8d\n", name, range, classes, instances, images));
    }
}

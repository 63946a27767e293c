package io.bagsflow.ml.detector;

import java.util.LinkedHashMap;
import java.util.Map;

/** Running means of named losses between two progress reports. */
final class LossMeter {

    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int count;

    void add(Map<String, Double> losses) {
        losses.forEach((k, v) -> sums.merge(k, v, Double::sum));
        count++;
    }

    Map<String, Double> meansAndReset() {
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((k, v) -> means.put(k, v / count));
        sums.clear();
        count = 0;
        return means;
    }
}

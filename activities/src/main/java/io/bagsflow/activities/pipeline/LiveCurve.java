package io.bagsflow.activities.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss curve of a training attempt so far, kept in the attempt's stored progress so that a run's page can draw
 * it while the stage runs (the curve artifact exists only once the stage has ended). Bounded: once it holds
 * {@link #MAX_POINTS} points every second one is dropped and from then on only every second report is kept, so the
 * row written every few seconds stays a few kilobytes however long the training, while the points stay evenly
 * spaced over the whole run. The newest report is always the last point.
 */
final class LiveCurve {

    /** Most points kept; about 60 bytes each in the stored JSON. */
    static final int MAX_POINTS = 200;

    /** One progress report: the iteration, the sum of its mean losses and the throughput over its interval. */
    record Point(int iteration, double loss, double imagesPerSecond) {}

    private final List<Point> kept = new ArrayList<>();
    private Point latest;
    private long seen;
    private long stride = 1;

    void add(Point p) {
        if (seen % stride == 0) {
            kept.add(p);
            if (kept.size() >= MAX_POINTS) {
                List<Point> every2nd = new ArrayList<>();
                for (int i = 0; i < kept.size(); i += 2) {
                    every2nd.add(kept.get(i));
                }
                kept.clear();
                kept.addAll(every2nd);
                stride *= 2;
            }
        }
        seen++;
        latest = p;
    }

    boolean isEmpty() {
        return latest == null;
    }

    List<Point> points() {
        List<Point> out = new ArrayList<>(kept);
        if (latest != null && (out.isEmpty() || out.get(out.size() - 1) != latest)) {
            out.add(latest);
        }
        return out;
    }

    /** The stored shape: {@code [{"iteration": int, "loss": number, "images_per_second": number}, ...]}. */
    List<Map<String, Object>> json() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Point p : points()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("iteration", p.iteration());
            m.put("loss", finite(p.loss()));
            m.put("images_per_second", finite(p.imagesPerSecond()));
            out.add(m);
        }
        return out;
    }

    /** JSON has no NaN or infinity: a diverged step's loss is stored as null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}

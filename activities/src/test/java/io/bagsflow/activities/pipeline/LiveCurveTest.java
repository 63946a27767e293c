package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveCurveTest {

    @Test
    void aShortTrainingKeepsEveryReportInOrder() {
        LiveCurve curve = new LiveCurve();
        for (int it = 5; it <= 100; it += 5) {
            curve.add(new LiveCurve.Point(it, 10.0 / it, 30 + it));
        }
        List<LiveCurve.Point> points = curve.points();
        assertEquals(20, points.size());
        assertEquals(5, points.get(0).iteration());
        assertEquals(100, points.get(19).iteration());
        assertEquals(0.1, points.get(19).loss(), 1e-12);
        assertEquals(
                Map.of("iteration", 5, "loss", 2.0, "images_per_second", 35.0),
                curve.json().get(0));
    }

    @Test
    void aLongTrainingIsThinnedEvenlyToAtMostTwoHundredPointsEndingWithTheNewestReport() {
        LiveCurve curve = new LiveCurve();
        for (int report = 1; report <= 12_345; report++) {
            curve.add(new LiveCurve.Point(report * 20, 1.0, 12.5));
            int size = curve.points().size();
            assertTrue(size <= LiveCurve.MAX_POINTS, "report " + report + ": " + size + " points");
        }
        List<LiveCurve.Point> points = curve.points();
        assertTrue(points.size() >= LiveCurve.MAX_POINTS / 2, points.size() + " points");
        assertEquals(20, points.get(0).iteration(), "the first report stays");
        assertEquals(12_345 * 20, points.get(points.size() - 1).iteration(), "the newest report is the last point");
        // evenly spaced except the newest, which is appended whatever the stride
        int step = points.get(1).iteration() - points.get(0).iteration();
        for (int i = 1; i < points.size() - 1; i++) {
            assertEquals(step, points.get(i).iteration() - points.get(i - 1).iteration(), "gap before point " + i);
        }
        assertTrue(points.get(points.size() - 1).iteration()
                        - points.get(points.size() - 2).iteration()
                <= step);
    }

    @Test
    void aLossThatIsNotFiniteIsStoredAsNull() {
        LiveCurve curve = new LiveCurve();
        curve.add(new LiveCurve.Point(5, Double.NaN, Double.POSITIVE_INFINITY));
        assertNull(curve.json().get(0).get("loss"));
        assertNull(curve.json().get(0).get("images_per_second"));
        assertTrue(curve.json().get(0).containsKey("loss"));
    }
}

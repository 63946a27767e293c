package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.eval.LvisEvaluation;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.model.ModelKind;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InferenceTest {

    @Test
    void resultsPassTheLvisEvaluator() {
        LvisDataset val = TinyDetectorData.val();
        LvisResults results =
                Inference.predict(TinyDetectorData.baseCheckpoint(), val, TinyDetectorData.images(), null);
        assertTrue(results.size() > 0);
        Set<Integer> categories = val.categories().stream().map(c -> c.id()).collect(Collectors.toSet());
        Map<Integer, LvisImage> images = new HashMap<>();
        val.images().forEach(i -> images.put(i.id(), i));
        Map<Integer, Integer> perImage = new HashMap<>();
        for (int i = 0; i < results.size(); i++) {
            LvisImage im = images.get(results.imageId(i));
            assertTrue(im != null && categories.contains(results.categoryId(i)));
            assertTrue(results.x(i) >= 0 && results.y(i) >= 0 && results.w(i) > 0 && results.h(i) > 0);
            assertTrue(results.x(i) + results.w(i) <= im.width() + 1e-3
                    && results.y(i) + results.h(i) <= im.height() + 1e-3);
            assertTrue(results.score(i) > 0 && results.score(i) <= 1);
            perImage.merge(results.imageId(i), 1, Integer::sum);
        }
        assertTrue(perImage.values().stream().allMatch(n -> n <= 100), "at most maxDetections (tiny: 100) per image");
        LvisEvaluation e = new LvisEvaluator(val, "val.json").evaluate(results, "tiny-results");
        assertTrue(
                e.metrics().ap() >= 0 && e.metrics().ap() <= 1,
                "AP " + e.metrics().ap());
        assertTrue(e.metrics().ar() > 0, "AR " + e.metrics().ar());
    }

    @Test
    void theSameCheckpointTwiceGivesIdenticalDetectionsAndMetrics() {
        LvisDataset val = TinyDetectorData.val();
        Path ckpt = TinyDetectorData.baseCheckpoint();
        LvisResults a = Inference.predict(ckpt, val, TinyDetectorData.images(), null);
        LvisResults b = Inference.predict(ckpt, val, TinyDetectorData.images(), null);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.imageId(i), b.imageId(i));
            assertEquals(a.categoryId(i), b.categoryId(i));
            assertEquals(a.score(i), b.score(i));
            assertArrayEquals(
                    new double[] {a.x(i), a.y(i), a.w(i), a.h(i)}, new double[] {b.x(i), b.y(i), b.w(i), b.h(i)});
        }
        LvisEvaluator evaluator = new LvisEvaluator(val, "val.json");
        assertArrayEquals(
                evaluator.evaluate(a, "a").metrics().values(),
                evaluator.evaluate(b, "b").metrics().values());
    }

    @Test
    void aRetrainedCheckpointIsReadWithoutKnowingItsMethod() {
        TrainingOutcome bags = ClassifierRetrainer.retrain(
                ModelKind.BAGS,
                DetectorConfig.preset("tiny").with("schedule", "legacy").with("retrainIterations", 10),
                TinyDetectorData.baseCheckpoint(),
                TinyDetectorData.groups(),
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("bags-infer"),
                TrainingHooks.NONE);
        LvisResults results =
                Inference.predict(bags.checkpoint(), TinyDetectorData.val(), TinyDetectorData.images(), null);
        assertTrue(results.size() > 0);
        for (int i = 0; i < results.size(); i++) {
            assertTrue(results.score(i) > 0 && results.score(i) < 1);
        }
    }
}

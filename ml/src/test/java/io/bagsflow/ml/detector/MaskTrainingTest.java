package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskTrainingTest {

    private static LvisDataset trainWithPolygons() {
        return LvisDatasetReader.readWithSegmentations(TinyDetectorData.root().resolve("data/train.json"));
    }

    @Test
    void maskLossFallsOverAShortTraining() {
        DetectorConfig config = DetectorConfig.preset("tiny")
                .with("iterations", 60)
                .with("checkpointInterval", 0)
                .with("masks", true);
        TrainingOutcome r = BaseTrainer.train(
                config,
                trainWithPolygons(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("masks"),
                null,
                TrainingHooks.NONE);
        List<LossPoint> curve = r.lossCurve();
        LossPoint first = curve.get(0);
        LossPoint last = curve.get(curve.size() - 1);
        assertEquals(
                List.of("mask", "rcnn_box", "rcnn_cls", "rpn_box", "rpn_cls"),
                first.losses().keySet().stream().sorted().toList());
        double a = first.losses().get("mask");
        double b = last.losses().get("mask");
        // an untrained head says one half everywhere: binary cross-entropy ln 2
        assertEquals(Math.log(2), a, 0.05);
        assertTrue(b < 0.75 * a, "mask loss " + a + " -> " + b);
        assertEquals(0, r.skippedSteps());
    }

    @Test
    void masksWithoutPolygonsAreRefusedNamingTheAnnotation() {
        DetectorConfig config = DetectorConfig.preset("tiny").with("masks", true);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BaseTrainer.train(
                        config,
                        TinyDetectorData.train(),
                        TinyDetectorData.images(),
                        TinyDetectorData.newDir("nopolygons"),
                        null,
                        TrainingHooks.NONE));
        assertTrue(e.getMessage().contains("annotation " + TinyDetectorData.train().annotations().get(0).id()),
                e.getMessage());
    }
}

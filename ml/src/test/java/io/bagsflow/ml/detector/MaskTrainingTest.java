package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.mask.Rle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

        // inference pastes a mask into each detection's box at the image's own size, written as RLE
        LvisResults dt = Inference.predict(r.checkpoint(), TinyDetectorData.val(), TinyDetectorData.images(), null);
        assertTrue(dt.size() > 100 && dt.hasMasks(), "detections " + dt.size());
        Map<Integer, LvisImage> images = new HashMap<>();
        TinyDetectorData.val().images().forEach(im -> images.put(im.id(), im));
        int nonEmpty = 0;
        for (int i = 0; i < dt.size(); i++) {
            Rle mask = dt.mask(i);
            LvisImage im = images.get(dt.imageId(i));
            assertEquals(List.of(im.height(), im.width()), List.of(mask.height(), mask.width()));
            assertTrue(dt.hasBox(i));
            if (mask.area() > 0) {
                nonEmpty++;
                double[] box = mask.toBbox();
                assertTrue(box[0] >= Math.floor(dt.x(i)) && box[1] >= Math.floor(dt.y(i)), "mask inside its box");
                assertTrue(
                        box[0] + box[2] <= Math.ceil(dt.x(i) + dt.w(i))
                                && box[1] + box[3] <= Math.ceil(dt.y(i) + dt.h(i)),
                        "mask inside its box");
            }
        }
        assertTrue(nonEmpty > dt.size() / 2, nonEmpty + " of " + dt.size() + " masks have pixels");
        // the same checkpoint gives the same masks
        LvisResults again = Inference.predict(r.checkpoint(), TinyDetectorData.val(), TinyDetectorData.images(), null);
        for (int i = 0; i < dt.size(); i++) {
            assertEquals(dt.mask(i), again.mask(i));
        }
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
        assertTrue(
                e.getMessage()
                        .contains("annotation "
                                + TinyDetectorData.train().annotations().get(0).id()),
                e.getMessage());
    }
}

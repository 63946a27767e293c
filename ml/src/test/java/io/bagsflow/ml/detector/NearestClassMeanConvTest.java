package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.RoiAlign;
import io.bagsflow.ml.detector.train.Rng;
import io.bagsflow.ml.detector.train.TwoStageForward;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.model.ModelKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NCM-conv (the paper's row 11): class means of the RoI-pooled conv features, averaged over the pooled grid, as a
 * softmax over negative squared distances; the class scores read the pooled features, the boxes the fc path.
 */
class NearestClassMeanConvTest {

    private static final ObjectMapper JSON = JsonMappers.lenient();

    @Test
    void thePooledInputIsTheMeanOfEachChannelOverTheRoiAlignGrid() {
        DetectorConfig config = DetectorConfig.preset("tiny");
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Detector fc = Detector.create(config, List.of(1, 2, 3), m)) {
            Detector pooled = Detector.of(config, fc.categoryIds(), fc.params(), ClassifierLayout.pooledMeanSoftmax(3));
            int channels = fc.backbone().outChannels();
            int f = fc.featureSize();
            Rng rng = Rng.of(5, 1);
            float[] map = new float[channels * f * f];
            for (int i = 0; i < map.length; i++) {
                map[i] = (float) rng.nextDouble();
            }
            NDArray features = m.create(map, new Shape(1, channels, f, f));
            float s = config.imageSize();
            float[] boxes = {0, 0, s, s, s / 4, s / 8, s / 2, s * 0.9f, 3, 5, 9, 20};
            RoiAlign.Matrices mats = fc.roiAlign().matrices(boxes, new boolean[] {true, true, true}, 1, 3, f, f);
            float[] grid = fc.roiAlign().apply(m, features, mats).toFloatArray();
            float[] mean = pooled.classifierInput(m, features, mats).toFloatArray();
            assertEquals(3 * channels, mean.length);
            // RoIAlign's output: per RoI the bins in row-major order, channels innermost
            int bins = fc.roiAlign().size() * fc.roiAlign().size();
            for (int n = 0; n < 3; n++) {
                for (int c = 0; c < channels; c++) {
                    double sum = 0;
                    for (int b = 0; b < bins; b++) {
                        sum += grid[(n * bins + b) * channels + c];
                    }
                    assertEquals(sum / bins, mean[n * channels + c], 1e-5, "RoI " + n + " channel " + c);
                }
            }
            // the same detector with an fc classifier reads the box head's features instead
            assertEquals(
                    3 * config.fcDim(), fc.classifierInput(m, features, mats).toFloatArray().length);
        }
    }

    @Test
    void ncmConvScoresEveryRoiByItsNearestPooledMeanAndReloadsToTheSameScores() throws IOException {
        Path base = TinyDetectorData.baseCheckpoint();
        DetectorConfig settings = DetectorConfig.preset("tiny");
        TrainingOutcome r = ClassifierRetrainer.retrain(
                ModelKind.NCM_CONV,
                settings,
                base,
                null,
                TinyDetectorData.train(),
                TinyDetectorData.images(),
                TinyDetectorData.newDir("ncm-conv"),
                TrainingHooks.NONE);
        Checkpoint.State state = Checkpoint.readState(r.checkpoint());
        assertEquals("retrain-ncm_conv", state.stage());
        assertTrue(state.classifier().readsPooledMean(), state.classifier()::toString);
        assertTrue(new String(BaseTrainerTest.entry(r.checkpoint(), "checkpoint.json"), StandardCharsets.UTF_8)
                .contains("\"input\" : \"pooled-mean\""));
        assertTrue(r.lossCurve().isEmpty());
        ClassifierRetrainerTest.assertFrozenExceptClassifier(base, r.checkpoint());

        Map<String, byte[]> arrays = ClassifierRetrainerTest.arrays(r.checkpoint());
        float[] w = floats(arrays.get("cls.w"));
        float[] b = floats(arrays.get("cls.b"));
        int k = b.length;
        int dim = w.length / k;
        // one mean per label over the backbone's channels (32 in tiny), not over the fc features (64)
        assertEquals(state.categoryIds().size() + 1, k);
        assertEquals(
                (int) settings.backboneChannels()
                        .get(settings.backboneChannels().size() - 1),
                dim);
        assertNotEquals((int) settings.fcDim(), dim);
        int present = 0;
        for (int l = 0; l < k; l++) {
            if (b[l] != NearestClassMean.ABSENT_BIAS) {
                present++;
            }
        }
        assertTrue(present >= 2, "labels with training RoIs: " + present);

        float[] probs;
        int rois;
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
                Checkpoint.Loaded loaded = Checkpoint.read(r.checkpoint(), root)) {
            Detector d = loaded.detector();
            // RoIs of val images, through the same frozen network and the classifier input the checkpoint names
            ImageStore val = ImageStore.load(
                    TinyDetectorData.val(),
                    TinyDetectorData.images(),
                    d.config().imageSize(),
                    d.categoryIds());
            float[] x;
            try (FeatureCache cache = FeatureCache.build(root, new TwoStageForward(d), val, d.config());
                    NDManager m = root.newSubManager()) {
                assertEquals(dim, cache.dim());
                rois = 12;
                NDArray features = cache.features(m, new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
                x = features.toFloatArray();
                float[] logits = d.classifier().logits(d.params(), features).toFloatArray();
                probs = d.classifier().probabilities(logits, rois);
            }
            for (int i = 0; i < rois; i++) {
                // brute force: squared distance to every stored mean, the nearest wins
                double[] dist = new double[k];
                int nearest = -1;
                for (int l = 0; l < k; l++) {
                    if (b[l] == NearestClassMean.ABSENT_BIAS) {
                        dist[l] = Double.POSITIVE_INFINITY;
                        continue;
                    }
                    for (int j = 0; j < dim; j++) {
                        double diff = x[i * dim + j] - w[l * dim + j];
                        dist[l] += diff * diff;
                    }
                    if (nearest < 0 || dist[l] < dist[nearest]) {
                        nearest = l;
                    }
                }
                int best = 0;
                for (int l = 1; l < k; l++) {
                    if (probs[i * k + l] > probs[i * k + best]) {
                        best = l;
                    }
                }
                assertEquals(nearest, best, "RoI " + i);
                double z = 0;
                for (int l = 0; l < k; l++) {
                    z += Math.exp(-(dist[l] - dist[nearest]) / 2);
                }
                for (int l = 0; l < k; l++) {
                    double expected = Math.exp(-(dist[l] - dist[nearest]) / 2) / z;
                    assertEquals(expected, probs[i * k + l], 1e-4, "RoI " + i + " label " + l);
                }
            }
        }

        // a second load of the file scores the same RoIs with the same bits
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
                Checkpoint.Loaded again = Checkpoint.read(r.checkpoint(), root)) {
            Detector d = again.detector();
            ImageStore val = ImageStore.load(
                    TinyDetectorData.val(),
                    TinyDetectorData.images(),
                    d.config().imageSize(),
                    d.categoryIds());
            try (FeatureCache cache = FeatureCache.build(root, new TwoStageForward(d), val, d.config());
                    NDManager m = root.newSubManager()) {
                NDArray features = cache.features(m, new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
                float[] logits = d.classifier().logits(d.params(), features).toFloatArray();
                assertArrayEquals(probs, d.classifier().probabilities(logits, rois));
            }
        }

        // inference reads the layout from the checkpoint: the fc features (64 wide) could not feed these 32-wide rows
        LvisResults results =
                Inference.predict(r.checkpoint(), settings, TinyDetectorData.val(), TinyDetectorData.images(), null);
        assertTrue(results.size() > 0);
        double ap = new LvisEvaluator(TinyDetectorData.val(), "val.json")
                .evaluate(results, "ncm_conv")
                .metrics()
                .ap();
        assertTrue(ap >= 0 && ap <= 1, "AP " + ap);
    }

    @Test
    void aCheckpointWithoutAClassifierInputReadsTheFcFeatures() throws IOException {
        // every checkpoint written before NCM-conv, and every other classifier now: no "input" key at all
        String stored = new String(
                BaseTrainerTest.entry(TinyDetectorData.baseCheckpoint(), "checkpoint.json"), StandardCharsets.UTF_8);
        assertFalse(stored.contains("\"input\""), stored);
        Checkpoint.State base = Checkpoint.readState(TinyDetectorData.baseCheckpoint());
        assertEquals(ClassifierLayout.softmax(base.categoryIds().size()), base.classifier());
        assertFalse(base.classifier().readsPooledMean());

        ClassifierLayout old = JSON.readValue(
                "{\"kind\": \"softmax\", \"numClasses\": 3, \"predSlice\": null, \"label2binlabel\": null}",
                ClassifierLayout.class);
        assertEquals(ClassifierLayout.softmax(3), old);
        ClassifierLayout conv =
                JSON.readValue(JSON.writeValueAsString(ClassifierLayout.pooledMeanSoftmax(3)), ClassifierLayout.class);
        assertEquals(ClassifierLayout.pooledMeanSoftmax(3), conv);
        assertNotEquals(ClassifierLayout.softmax(3), conv);
        assertTrue(Classifier.of(conv).layout().readsPooledMean());

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ClassifierLayout.sigmoid(3)
                        .equals(new ClassifierLayout(
                                ClassifierLayout.SIGMOID, 3, null, null, ClassifierLayout.POOLED_MEAN)));
        assertTrue(e.getMessage().contains("only a plain softmax"), e.getMessage());
    }

    private static float[] floats(byte[] raw) {
        float[] out = new float[raw.length / 4];
        ByteBuffer.wrap(raw).asFloatBuffer().get(out);
        return out;
    }
}

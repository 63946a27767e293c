package io.bagsflow.ml.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.bagsflow.ml.detector.boxes.DetectionPostprocessor;
import io.bagsflow.ml.detector.boxes.ProposalGenerator;
import io.bagsflow.ml.detector.data.ImageBatch;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.MaskHead;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.model.RoiAlign;
import io.bagsflow.ml.detector.train.RoiSampler;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.mask.Rle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a checkpoint (base or retrained, whatever its classifier and whichever features it reads) over images and
 * returns LVIS results:
 * proposals, class-specific box decoding, per-class NMS, the score threshold and at most
 * {@code maxDetections} per image, with boxes in the images' own pixel coordinates. A model with a mask head
 * also gives each detection its mask: the head's 28 x 28 map of the detection's box pasted into the image and
 * encoded as compressed RLE; the results keep the {@code bbox} beside it, as mmdetection's segm results do, so
 * lvis-api takes the mask's area from the box there as it did for the paper's numbers. Deterministic: the same
 * checkpoint, images and batch size give identical results.
 */
public final class Inference {

    static final String STAGE = "inference";

    private Inference() {}

    /**
     * Detects with the inference settings stored in the checkpoint.
     *
     * @param images   the images to detect in (their annotations, if any, are not used)
     * @param listener optional: progress per batch, {@code iteration} counting images
     */
    public static LvisResults predict(Path checkpoint, LvisDataset images, Path imagesDir, TrainingHooks listener) {
        return predict(checkpoint, null, images, imagesDir, listener);
    }

    /**
     * Detects with the runtime and inference settings of {@code settings} (device, threads, score threshold,
     * NMS, detections and proposals per image, batch size); the model is the checkpoint's.
     */
    public static LvisResults predict(
            Path checkpoint, DetectorConfig settings, LvisDataset images, Path imagesDir, TrainingHooks listener) {
        TrainingHooks hooks = TrainingHooks.orNone(listener);
        DetectorConfig stored = Checkpoint.readState(checkpoint).config();
        DetectorConfig config = settings == null ? stored : stored.withRuntimeFrom(settings);
        ProposalBudget.warnIfFarBelow(config);
        try (NDManager root = DetectorRuntime.manager(config);
                Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, root)) {
            Detector d = Detector.of(
                    config,
                    loaded.detector().categoryIds(),
                    loaded.detector().params(),
                    loaded.state().classifier());
            ImageStore store = ImageStore.load(images, imagesDir, d.config().imageSize(), d.categoryIds());
            return new Predictor(d, d.maskHead() != null).predict(root, store, hooks);
        }
    }

    private static final int MASK_CELLS = MaskHead.SIZE * MaskHead.SIZE;
    /** Detections whose masks are computed together: bounds the RoIAlign weights of one product (about 11 MB). */
    private static final int MASK_CHUNK = 100;

    /** Batched detection over an image store with a loaded detector. */
    static final class Predictor {
        private final Detector detector;
        private final ProposalGenerator proposals;
        private final DetectionPostprocessor post;
        /** whether detections get masks (the final results do; a search over classifiers needs boxes only) */
        private final boolean masks;

        Predictor(Detector detector) {
            this(detector, false);
        }

        Predictor(Detector detector, boolean masks) {
            DetectorConfig c = detector.config();
            this.detector = detector;
            this.masks = masks;
            this.proposals =
                    new ProposalGenerator(detector.anchors(), c.rpnPreNmsTest(), c.rpnPostNmsTest(), c.rpnNmsIou());
            this.post = new DetectionPostprocessor(
                    RoiSampler.TARGET_STDS, c.scoreThreshold(), c.nmsIou(), c.maxDetections());
        }

        LvisResults predict(NDManager root, ImageStore store, TrainingHooks hooks) {
            return predictEach(root, store, List.of(detector.params()), hooks).get(0);
        }

        /**
         * Detections of several classifiers on the same frozen network in one pass over the images: the backbone,
         * RPN, RoI features and box deltas are computed once per batch, then each element of {@code classifiers}
         * (parameters holding {@code cls.w} and {@code cls.b} for this detector's classifier) scores them.
         */
        List<LvisResults> predictEach(
                NDManager root, ImageStore store, List<Parameters> classifiers, TrainingHooks hooks) {
            DetectorConfig c = detector.config();
            int batchSize = c.inferenceBatchSize();
            List<LvisResults.Builder> outs = new ArrayList<>();
            for (int v = 0; v < classifiers.size(); v++) {
                outs.add(LvisResults.builder());
            }
            long t0 = System.nanoTime();
            for (int start = 0; start < store.count(); start += batchSize) {
                int b = Math.min(batchSize, store.count() - start);
                // a batch of one image takes the engine's slow convolution path (which also logs an NNPACK
                // warning per layer on CPUs without NNPACK): run the image twice and keep one copy
                int[] indices = new int[Math.max(b, 2)];
                for (int k = 0; k < indices.length; k++) {
                    indices[k] = start + Math.min(k, b - 1);
                }
                try (NDManager step = root.newSubManager()) {
                    detectBatch(
                            step,
                            store,
                            ImageBatch.of(store, indices, new boolean[indices.length]),
                            b,
                            classifiers,
                            outs);
                }
                int done = start + b;
                double seconds = (System.nanoTime() - t0) / 1e9;
                hooks.onProgress(
                        new TrainingProgress(STAGE, done, store.count(), java.util.Map.of(), done / seconds, 0, 0));
            }
            return outs.stream().map(LvisResults.Builder::build).toList();
        }

        /**
         * Detects in every image of the batch with each classifier and adds the first {@code keep} images'
         * detections to that classifier's builder.
         */
        private void detectBatch(
                NDManager m,
                ImageStore store,
                ImageBatch batch,
                int keep,
                List<Parameters> classifiers,
                List<LvisResults.Builder> outs) {
            Parameters p = detector.params();
            int b = batch.count();
            int r = detector.config().rpnPostNmsTest();
            float s = batch.size();
            NDArray images = m.create(batch.pixels(), new Shape(b, 3, batch.size(), batch.size()));
            NDArray features = detector.backbone().forward(p, images, false);
            NDList rpnOut = detector.rpn().forward(p, features);
            float[] obj = rpnOut.get(0).toFloatArray();
            float[] reg = rpnOut.get(1).toFloatArray();
            float[] rois = new float[b * r * 4];
            boolean[] valid = new boolean[b * r];
            int[] counts = new int[b];
            for (int i = 0; i < b; i++) {
                float[] props = proposals.proposals(obj, reg, i, s, s);
                counts[i] = props.length / 4;
                System.arraycopy(props, 0, rois, i * r * 4, props.length);
                for (int k = 0; k < counts[i]; k++) {
                    valid[i * r + k] = true;
                }
            }
            int f = detector.featureSize();
            RoiAlign.Matrices mats = detector.roiAlign().matrices(rois, valid, b, r, f, f);
            NDArray pooled = detector.roiAlign().apply(m, features, mats);
            NDArray feats = detector.head().features(p, pooled);
            // the fc path always regresses the boxes; the classifier reads what its layout says (NCM-conv: pooled)
            float[] deltas = detector.head().deltas(p, feats).toFloatArray();
            NDArray clsInput = detector.classifierInput(pooled, feats);
            for (int v = 0; v < classifiers.size(); v++) {
                float[] logits = detector.classifier()
                        .logits(classifiers.get(v), clsInput)
                        .toFloatArray();
                float[] probs = detector.classifier().probabilities(logits, b * r);
                addDetections(m, features, store, batch, keep, rois, counts, probs, deltas, r, s, outs.get(v));
            }
        }

        private void addDetections(
                NDManager m,
                NDArray features,
                ImageStore store,
                ImageBatch batch,
                int keep,
                float[] rois,
                int[] counts,
                float[] probs,
                float[] deltas,
                int r,
                float s,
                LvisResults.Builder out) {
            List<Integer> categoryIds = detector.categoryIds();
            int numClasses = detector.numClasses();
            for (int i = 0; i < keep; i++) {
                float[] imageRois = Arrays.copyOfRange(rois, i * r * 4, (i * r + counts[i]) * 4);
                DetectionPostprocessor.Detections det =
                        post.process(imageRois, counts[i], probs, deltas, i * r, numClasses, s, s);
                int index = batch.indices()[i];
                double sx = (double) store.width(index) / store.size();
                double sy = (double) store.height(index) / store.size();
                float[] maskProbs = masks ? maskProbabilities(m, features, i, det) : null;
                int height = store.height(index);
                int width = store.width(index);
                for (int k = 0; k < det.size(); k++) {
                    float[] bx = det.boxes();
                    double x1 = bx[4 * k] * sx;
                    double y1 = bx[4 * k + 1] * sy;
                    double x2 = bx[4 * k + 2] * sx;
                    double y2 = bx[4 * k + 3] * sy;
                    int imageId = store.imageId(index);
                    int categoryId = categoryIds.get(det.labels()[k] - 1);
                    if (maskProbs == null) {
                        out.add(imageId, categoryId, x1, y1, x2 - x1, y2 - y1, det.scores()[k]);
                    } else {
                        boolean[] mask =
                                MaskHead.paste(maskProbs, k * MASK_CELLS, x1, y1, x2 - x1, y2 - y1, height, width);
                        out.add(
                                imageId,
                                categoryId,
                                x1,
                                y1,
                                x2 - x1,
                                y2 - y1,
                                det.scores()[k],
                                Rle.fromRowMajorMask(mask, height, width));
                    }
                }
            }
        }

        /**
         * Mask probabilities (SIZE x SIZE per detection, in detection order) of image {@code i}'s detections, from
         * the boxes at the input size over that image's features.
         */
        private float[] maskProbabilities(NDManager m, NDArray features, int i, DetectionPostprocessor.Detections det) {
            float[] out = new float[det.size() * MASK_CELLS];
            NDArray image = features.get(i).expandDims(0);
            for (int from = 0; from < det.size(); from += MASK_CHUNK) {
                int n = Math.min(MASK_CHUNK, det.size() - from);
                float[] boxes = Arrays.copyOfRange(det.boxes(), 4 * from, 4 * (from + n));
                NDArray logits = detector.maskHead().logitsOfBoxes(m, detector.params(), image, boxes, n);
                float[] probs = Activation.sigmoid(logits).toFloatArray();
                System.arraycopy(probs, 0, out, from * MASK_CELLS, probs.length);
            }
            return out;
        }
    }
}

package io.bagsflow.ml.detector.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.detector.DetectorThreads;
import io.bagsflow.ml.detector.boxes.Boxes;
import io.bagsflow.ml.detector.boxes.ProposalGenerator;
import io.bagsflow.ml.detector.data.ImageBatch;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.MaskHead;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.model.RoiAlign;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The training forward pass of the two-stage detector, with the Java-side steps between its halves: RPN
 * targets, proposals from the RPN's own output, RoI sampling. Random choices come from the step's generator
 * in a fixed order, so a step is a pure function of weights, batch and generator.
 */
public final class TwoStageForward {

    private final Detector detector;
    private final AnchorTargets anchorTargets;
    private final ProposalGenerator proposals;
    private final RoiSampler sampler;
    private final boolean parallelJavaWork;

    public TwoStageForward(Detector detector) {
        DetectorConfig c = detector.config();
        this.detector = detector;
        this.anchorTargets = new AnchorTargets(
                detector.anchors(),
                c.rpnSamplesPerImage(),
                c.rpnPositiveFraction(),
                c.rpnPositiveIou(),
                c.rpnNegativeIou(),
                c.rpnMinPositiveIou());
        this.proposals =
                new ProposalGenerator(detector.anchors(), c.rpnPreNmsTrain(), c.rpnPostNmsTrain(), c.rpnNmsIou());
        this.sampler = new RoiSampler(c.roisPerImage(), c.roiPositiveFraction(), c.roiPositiveIou());
        this.parallelJavaWork = DetectorThreads.resolve(c.threads()) > 1;
    }

    public RoiSampler sampler() {
        return sampler;
    }

    /** Sampled second-stage RoIs of a batch: {@code perImage} slots per image. */
    public record Rois(float[] boxes, int[] labels, boolean[] valid, float[] targets, int perImage) {

        public int validCount() {
            int n = 0;
            for (boolean v : valid) {
                n += v ? 1 : 0;
            }
            return n;
        }
    }

    /** The four losses of base training and their sum. */
    public record BaseLosses(NDArray total, Map<String, NDArray> parts) {}

    public NDArray images(NDManager m, ImageBatch batch) {
        return m.create(batch.pixels(), new Shape(batch.count(), 3, batch.size(), batch.size()));
    }

    /** Base training: every part of the network trains, BatchNorm in training mode. */
    public BaseLosses baseLosses(NDManager m, ImageBatch batch, Rng rng) {
        Parameters p = detector.params();
        int b = batch.count();
        int n = detector.anchorCount();
        NDArray features = detector.backbone().forward(p, images(m, batch), true);
        NDList rpnOut = detector.rpn().forward(p, features);
        NDArray obj = rpnOut.get(0);
        NDArray reg = rpnOut.get(1);

        float[] labels = new float[b * n];
        float[] weights = new float[b * n];
        float[] deltas = new float[b * n * 4];
        float[] deltaWeights = new float[b * n * 4];
        int sampled = 0;
        for (int i = 0; i < b; i++) {
            sampled += anchorTargets.assign(
                    batch.boxes()[i], batch.labels()[i].length, rng, i, labels, weights, deltas, deltaWeights);
        }
        float norm = Math.max(sampled, 1);
        NDArray rpnCls = Losses.sigmoidCrossEntropy(
                obj, m.create(labels, obj.getShape()), m.create(Losses.normalised(weights, norm), obj.getShape()));
        NDArray rpnBox = Losses.smoothL1(
                m,
                reg,
                m.create(deltas, reg.getShape()),
                m.create(Losses.normalised(deltaWeights, norm), reg.getShape()),
                1f / 9f);

        Rois rois = sampleRois(obj.toFloatArray(), reg.toFloatArray(), batch, rng);
        NDArray roiFeatures = detector.roiFeatures(m, features, matrices(rois, b));
        NDArray logits = detector.classifier().logits(p, roiFeatures);
        NDArray rcnnCls =
                detector.classifier().loss(m, logits, detector.classifier().targets(rois.labels(), rois.valid(), rng));
        NDArray pred = detector.head().deltas(p, roiFeatures);
        NDArray rcnnBox = boxLoss(m, pred, rois);

        Map<String, NDArray> parts = new LinkedHashMap<>();
        parts.put("rpn_cls", rpnCls);
        parts.put("rpn_box", rpnBox);
        parts.put("rcnn_cls", rcnnCls);
        parts.put("rcnn_box", rcnnBox);
        NDArray total = rpnCls.add(rpnBox).add(rcnnCls).add(rcnnBox);
        if (detector.maskHead() != null) {
            NDArray mask = maskLoss(m, features, rois, batch);
            parts.put("mask", mask);
            total = total.add(mask);
        }
        return new BaseLosses(total, parts);
    }

    /**
     * Mask R-CNN's mask loss: per-pixel binary cross-entropy of the mask logits of every positive RoI against its
     * ground-truth object's polygons cropped to the RoI, averaged over RoIs and pixels.
     */
    public NDArray maskLoss(NDManager m, NDArray features, Rois rois, ImageBatch batch) {
        MaskHead head = detector.maskHead();
        int b = batch.count();
        int r = rois.perImage();
        int[] positives = new int[b];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < r; k++) {
                positives[i] += rois.valid()[i * r + k] && rois.labels()[i * r + k] > 0 ? 1 : 0;
            }
        }
        int widest = 1;
        int total = 0;
        for (int n : positives) {
            widest = Math.max(widest, n);
            total += n;
        }
        if (total == 0) {
            return m.create(0f);
        }
        int cells = MaskHead.SIZE * MaskHead.SIZE;
        // positives of each image packed to the front of its padded slots, pooled together, padding dropped after
        float[] boxes = new float[b * widest * 4];
        boolean[] valid = new boolean[b * widest];
        long[] rows = new long[total];
        float[] targets = new float[total * cells];
        int row = 0;
        for (int i = 0; i < b; i++) {
            int slot = 0;
            for (int k = 0; k < r; k++) {
                int roi = i * r + k;
                if (!rois.valid()[roi] || rois.labels()[roi] <= 0) {
                    continue;
                }
                int dst = i * widest + slot;
                System.arraycopy(rois.boxes(), 4 * roi, boxes, 4 * dst, 4);
                valid[dst] = true;
                int gt = bestGt(rois.boxes(), roi, batch.boxes()[i]);
                float[][] polygons = batch.polygons()[i][gt];
                if (polygons == null) {
                    throw new IllegalArgumentException("image " + batch.indices()[i] + " of the training set: box " + gt
                            + " has no polygon segmentation, which masks: true needs for every annotation");
                }
                MaskHead.target(rois.boxes(), roi, polygons, targets, row * cells);
                rows[row++] = dst;
                slot++;
            }
        }
        int f = detector.featureSize();
        NDArray pooled = head.roiAlign()
                .apply(m, features, head.roiAlign().matrices(boxes, valid, b, widest, f, f))
                .get(new NDIndex("{}", m.create(rows)));
        NDArray logits = head.logits(detector.params(), pooled);
        float[] weights = new float[total * cells];
        java.util.Arrays.fill(weights, 1f / (total * cells));
        return Losses.sigmoidCrossEntropy(
                logits, m.create(targets, logits.getShape()), m.create(weights, logits.getShape()));
    }

    /** The ground-truth box a RoI was labelled from: its best IoU, the first of equals (as {@link RoiSampler}). */
    static int bestGt(float[] boxes, int roi, float[] gt) {
        int numGt = gt.length / 4;
        float[] iou = Boxes.iouMatrix(java.util.Arrays.copyOfRange(boxes, 4 * roi, 4 * roi + 4), 1, gt, numGt);
        int best = 0;
        for (int j = 1; j < numGt; j++) {
            if (iou[j] > iou[best]) {
                best = j;
            }
        }
        return best;
    }

    /** Smooth-L1 (beta 1) on the deltas of each positive RoI's own class, over the number of sampled RoIs. */
    public NDArray boxLoss(NDManager m, NDArray pred, Rois rois) {
        int c = detector.numClasses();
        int n = rois.labels().length;
        float[] target = new float[n * 4 * c];
        float[] weight = new float[n * 4 * c];
        for (int i = 0; i < n; i++) {
            int l = rois.labels()[i];
            if (rois.valid()[i] && l > 0) {
                for (int d = 0; d < 4; d++) {
                    target[i * 4 * c + 4 * (l - 1) + d] = rois.targets()[4 * i + d];
                    weight[i * 4 * c + 4 * (l - 1) + d] = 1f;
                }
            }
        }
        Losses.normalised(weight, Math.max(rois.validCount(), 1));
        return Losses.smoothL1(m, pred, m.create(target, pred.getShape()), m.create(weight, pred.getShape()), 1f);
    }

    /** Proposals of every image from RPN outputs, then the sampled RoIs with the ground truth added. */
    public Rois sampleRois(float[] objectness, float[] deltas, ImageBatch batch, Rng rng) {
        int b = batch.count();
        int r = sampler.perImage();
        float[] boxes = new float[b * r * 4];
        int[] labels = new int[b * r];
        boolean[] valid = new boolean[b * r];
        float[] targets = new float[b * r * 4];
        float[][] props = proposals(objectness, deltas, batch);
        for (int i = 0; i < b; i++) {
            sampler.sample(props[i], batch.boxes()[i], batch.labels()[i], rng, i, boxes, labels, valid, targets);
        }
        return new Rois(boxes, labels, valid, targets, r);
    }

    /**
     * Every image's proposals. They draw nothing at random, so with more than one thread the images are
     * spread over the cores: this Java work sits between native ops and would otherwise leave every core but
     * one idle. Same proposals in the same order either way.
     */
    private float[][] proposals(float[] objectness, float[] deltas, ImageBatch batch) {
        float s = batch.size();
        IntStream images = IntStream.range(0, batch.count());
        if (parallelJavaWork) {
            images = images.parallel();
        }
        return images.mapToObj(i -> proposals.proposals(objectness, deltas, i, s, s))
                .toArray(float[][]::new);
    }

    public RoiAlign.Matrices matrices(Rois rois, int batch) {
        int f = detector.featureSize();
        return detector.roiAlign().matrices(rois.boxes(), rois.valid(), batch, rois.perImage(), f, f);
    }

    /** Backbone features and RPN outputs of the frozen network (BatchNorm in inference mode). */
    private record Frozen(NDArray features, float[] objectness, float[] deltas) {}

    private Frozen frozen(NDManager m, ImageBatch batch) {
        Parameters p = detector.params();
        NDArray features = detector.backbone().forward(p, images(m, batch), false);
        NDList rpnOut = detector.rpn().forward(p, features);
        return new Frozen(features, rpnOut.get(0).toFloatArray(), rpnOut.get(1).toFloatArray());
    }

    /** Classifier-input features (batch * perImage, fcDim) and the RoIs they belong to. */
    public record Sampled(NDArray features, Rois rois) {}

    /**
     * For classifier-only retraining: the frozen network (no gradients) up to the classifier's input, for RoIs
     * sampled as in base training.
     */
    public Sampled frozenRoiFeatures(NDManager m, ImageBatch batch, Rng rng) {
        Frozen f = frozen(m, batch);
        Rois rois = sampleRois(f.objectness(), f.deltas(), batch, rng);
        return new Sampled(detector.roiFeatures(m, f.features(), matrices(rois, batch.count())), rois);
    }

    /** RoIAlign output (batch * perImage, channels * roiSize^2) before the box head, and the RoIs it pools. */
    public record Pooled(NDArray pooled, Rois rois) {}

    /**
     * For retraining the box head with the classifier: the frozen backbone and RPN (no gradients), RoIs sampled
     * as in base training, pooled but not yet through the head's fc layers, which train.
     */
    public Pooled frozenPooledRois(NDManager m, ImageBatch batch, Rng rng) {
        Frozen f = frozen(m, batch);
        Rois rois = sampleRois(f.objectness(), f.deltas(), batch, rng);
        return new Pooled(detector.roiAlign().apply(m, f.features(), matrices(rois, batch.count())), rois);
    }

    /**
     * Candidate RoIs of a batch with their classifier-input features from the frozen network (the fc features, or
     * the grid-averaged pooled features when the detector's classifier reads those): every positive
     * candidate of each image and up to {@code maxNegatives} background ones drawn at random; {@code counts[i]}
     * rows per image, in image order.
     */
    public record Pool(NDArray features, int[] labels, int[] counts) {}

    public Pool frozenCandidatePool(NDManager m, ImageBatch batch, Rng rng, int maxNegatives) {
        Frozen f = frozen(m, batch);
        int b = batch.count();
        float s = batch.size();
        RoiSampler.Candidates[] candidates = new RoiSampler.Candidates[b];
        int[][] kept = new int[b][];
        int widest = 1;
        int total = 0;
        for (int i = 0; i < b; i++) {
            candidates[i] = sampler.assign(
                    proposals.proposals(f.objectness(), f.deltas(), i, s, s), batch.boxes()[i], batch.labels()[i]);
            kept[i] = sampler.pool(candidates[i].labels(), rng, maxNegatives);
            widest = Math.max(widest, kept[i].length);
            total += kept[i].length;
        }
        // RoIs padded to the same count per image for pooling; the padding rows are dropped after
        float[] boxes = new float[b * widest * 4];
        boolean[] valid = new boolean[b * widest];
        long[] rows = new long[total];
        int[] labels = new int[total];
        int[] counts = new int[b];
        int r = 0;
        for (int i = 0; i < b; i++) {
            counts[i] = kept[i].length;
            for (int k = 0; k < counts[i]; k++) {
                int c = kept[i][k];
                System.arraycopy(candidates[i].boxes(), 4 * c, boxes, (i * widest + k) * 4, 4);
                valid[i * widest + k] = true;
                rows[r] = (long) i * widest + k;
                labels[r] = candidates[i].labels()[c];
                r++;
            }
        }
        int size = detector.featureSize();
        NDArray padded = detector.classifierInput(
                m, f.features(), detector.roiAlign().matrices(boxes, valid, b, widest, size, size));
        return new Pool(padded.get(new NDIndex("{}", m.create(rows))), labels, counts);
    }
}

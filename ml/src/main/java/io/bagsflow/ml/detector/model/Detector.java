package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.detector.boxes.Anchors;
import io.bagsflow.ml.detector.train.Rng;
import java.util.List;

/**
 * The two-stage detector: backbone, RPN head, RoIAlign, box head, classifier and, when the config asks for
 * masks, a {@link MaskHead}, over one set of named parameters. The forward passes live in the training and inference code, which interleave them with the
 * Java-side target assignment and box post-processing.
 */
public final class Detector implements AutoCloseable {

    /** Key of the generator that initialises weights, distinct from the training streams. */
    private static final long INIT_STREAM = 0x1417;

    private final DetectorConfig config;
    private final List<Integer> categoryIds;
    private final Parameters params;
    private final Backbone backbone;
    private final RpnHead rpn;
    private final RoiAlign roiAlign;
    private final BoxHead head;
    private Classifier classifier;
    /** null without {@code masks} */
    private final MaskHead maskHead;

    private final int featureSize;
    private final float[] anchors;

    private Detector(DetectorConfig config, List<Integer> categoryIds, Parameters params, Classifier classifier) {
        this.config = config;
        this.categoryIds = List.copyOf(categoryIds);
        this.params = params;
        this.backbone = new Backbone(config.backbone(), config.backboneChannels(), config.backboneBlocks());
        int stride = backbone.stride();
        if (config.imageSize() % stride != 0) {
            throw new IllegalArgumentException(
                    "imageSize " + config.imageSize() + " must be a multiple of the backbone stride " + stride);
        }
        this.featureSize = config.imageSize() / stride;
        float[] sizes = new float[config.anchorSizes().size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (float) (config.anchorSizes().get(i) * config.imageSize());
        }
        float[] ratios = new float[config.anchorRatios().size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = config.anchorRatios().get(i).floatValue();
        }
        this.anchors = Anchors.grid(featureSize, featureSize, stride, sizes, ratios);
        this.rpn = new RpnHead(backbone.outChannels(), config.rpnChannels(), sizes.length * ratios.length);
        this.roiAlign = new RoiAlign(config.roiSize(), config.roiSamplingRatio(), stride);
        int pooled = config.roiSize() * config.roiSize() * backbone.outChannels();
        this.head = new BoxHead(pooled, config.fcDim(), categoryIds.size());
        this.classifier = classifier;
        this.maskHead = config.masks() ? new MaskHead(backbone.outChannels(), config.roiSamplingRatio(), stride) : null;
    }

    /** A freshly initialised detector with a plain softmax classifier over the given categories. */
    public static Detector create(DetectorConfig config, List<Integer> categoryIds, NDManager manager) {
        Parameters p = new Parameters(manager);
        Classifier cls = new SoftmaxClassifier(categoryIds.size());
        Detector d = new Detector(config, categoryIds, p, cls);
        Rng rng = Rng.of(config.seed(), INIT_STREAM);
        d.backbone.define(p, rng);
        d.rpn.define(p, rng);
        d.head.define(p, rng);
        cls.define(p, rng, config.fcDim());
        // drawn last, so every other weight is what it is without masks
        if (d.maskHead != null) {
            d.maskHead.define(p, rng);
        }
        return d;
    }

    /** A detector over parameters read from a checkpoint. */
    public static Detector of(
            DetectorConfig config, List<Integer> categoryIds, Parameters params, ClassifierLayout layout) {
        Detector d = new Detector(config, categoryIds, params, Classifier.of(layout));
        for (String name : List.of(Classifier.WEIGHT, Classifier.BIAS, "head.fc1.w", "rpn.obj.w")) {
            if (!params.has(name)) {
                throw new IllegalArgumentException("parameters lack " + name);
            }
        }
        if (d.maskHead != null && !params.has("mask.logits.w")) {
            throw new IllegalArgumentException("config has masks: true but the parameters lack the mask head");
        }
        return d;
    }

    /** Swaps the classifier; the caller defines or copies the new {@code cls.*} parameters. */
    public void replaceClassifier(Classifier next) {
        params.remove(n -> n.startsWith("cls."));
        this.classifier = next;
    }

    public DetectorConfig config() {
        return config;
    }

    /** Category ids in label order: label l (1..C) is {@code categoryIds.get(l - 1)}. */
    public List<Integer> categoryIds() {
        return categoryIds;
    }

    public int numClasses() {
        return categoryIds.size();
    }

    public Parameters params() {
        return params;
    }

    public Backbone backbone() {
        return backbone;
    }

    public RpnHead rpn() {
        return rpn;
    }

    public RoiAlign roiAlign() {
        return roiAlign;
    }

    public BoxHead head() {
        return head;
    }

    /** The mask branch, or null when the config has no masks. */
    public MaskHead maskHead() {
        return maskHead;
    }

    public Classifier classifier() {
        return classifier;
    }

    public int featureSize() {
        return featureSize;
    }

    public float[] anchors() {
        return anchors;
    }

    public int anchorCount() {
        return anchors.length / 4;
    }

    /** Box-head features (N, fcDim) for RoIs given as interpolation matrices over backbone features. */
    public NDArray roiFeatures(NDManager manager, NDArray features, RoiAlign.Matrices m) {
        return head.features(params, roiAlign.apply(manager, features, m));
    }

    /**
     * What the classifier reads for RoIs given as interpolation matrices: the box-head features (N, fcDim), or, for a
     * classifier over the pooled conv features (NCM-conv), the RoIAlign output averaged over its grid (N, channels),
     * without running the box head.
     */
    public NDArray classifierInput(NDManager manager, NDArray features, RoiAlign.Matrices m) {
        NDArray pooled = roiAlign.apply(manager, features, m);
        return classifier.layout().readsPooledMean() ? gridMean(pooled) : head.features(params, pooled);
    }

    /**
     * What the classifier reads, given both the RoIAlign output (N, size * size * channels) and the box-head features
     * computed from it (N, fcDim): for inference, where the fc features regress the boxes whatever the classifier.
     */
    public NDArray classifierInput(NDArray pooled, NDArray fcFeatures) {
        return classifier.layout().readsPooledMean() ? gridMean(pooled) : fcFeatures;
    }

    /**
     * The mean over the pooled grid of RoIAlign output (N, size * size * channels; bins row-major, channels
     * innermost): (N, channels), the global average pooling that turns a conv feature map into a vector.
     */
    public NDArray gridMean(NDArray pooled) {
        long bins = (long) roiAlign.size() * roiAlign.size();
        return pooled.reshape(pooled.getShape().get(0), bins, backbone.outChannels())
                .mean(new int[] {1});
    }

    @Override
    public void close() {
        params.close();
    }
}

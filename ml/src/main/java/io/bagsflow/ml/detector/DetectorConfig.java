package io.bagsflow.ml.detector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.io.JsonMappers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that defines a detector run: model shape, samplers, optimiser schedule, classifier retraining,
 * inference and runtime. Every field has a default (the {@code small} preset), so a JSON file or a
 * {@link #with} call only names what differs. Sizes given as fractions (anchor sizes, learning-rate steps)
 * scale with the image size and the iteration count. The range of every numeric field is in
 * {@link DetectorConfigRanges}; {@link #checkRanges()} enforces it where settings come from users (the pipeline
 * spec), while library callers and tests may use smaller values such as a checkpoint every 5 steps.
 *
 * @param preset              the preset this config started from (informational)
 * @param device              {@code auto} (GPU when the engine sees one), {@code cpu} or {@code gpu}
 * @param threads             PyTorch intra-op threads; 0 (the default) picks them per process: BAGSFLOW_THREADS
 *                            if set, else the cores (divided by BAGSFLOW_WORKERS_PER_HOST) up to 8, see
 *                            {@link DetectorThreads}. Results are deterministic for a given thread count
 * @param seed                seeds every random choice: weight init, image order, flips, samplers
 * @param imageSize           images are resized to imageSize x imageSize
 * @param batchSize           images per training step
 * @param flip                random horizontal flips in base training
 * @param backbone            {@code simple} (conv-BN-ReLU stages) or {@code resnet} (basic blocks)
 * @param backboneChannels    output channels per stage; stage 0 has stride 2 after a stride-2 stem for
 *                            resnet, every simple stage halves the resolution: total stride 8 with 3 stages
 * @param backboneBlocks      convs (simple) or basic blocks (resnet) per stage
 * @param anchorSizes         anchor side lengths as fractions of the image side
 * @param anchorRatios        anchor height / width
 * @param rpnChannels         channels of the RPN's 3x3 conv
 * @param roiSize             RoIAlign output is roiSize x roiSize
 * @param roiSamplingRatio    bilinear samples per bin side (the reference's sample_num)
 * @param fcDim               width of the box head's two fc layers (the classifier's input)
 * @param rpnSamplesPerImage  anchors sampled per image for the RPN loss (reference 256 at 800 px)
 * @param rpnPreNmsTrain      proposals: best anchors decoded before NMS in training (Test: at inference)
 * @param rpnPostNmsTrain     proposals kept after NMS per image in training (Test: at inference)
 * @param roisPerImage        RoIs sampled per image for the RCNN loss (reference 512 at 800 px)
 * @param lrSteps             step decay points as fractions of the iterations
 * @param checkpointInterval  iterations between checkpoints (0: only the final one)
 * @param maxNonFiniteSteps   a run fails once more steps than this had a non-finite loss or gradient
 * @param retrainIterations   steps of classifier-only retraining (all methods)
 * @param retrainImagesPerBatch images whose sampled RoIs make one retraining step
 * @param retrainFromCache    train the classifier on cached RoI features (fast path) instead of running
 *                            the frozen network every step
 * @param cacheVariants       times each image is cached (odd ones mirrored when retrainFlip); a step uses one
 * @param cacheNegatives      background candidates cached per image beside all positive ones
 * @param retrainFlip         random horizontal flips in retraining (full path; odd cache variants)
 * @param othersSampleRatio   BAGS: "others" RoIs drawn per positive of a group
 * @param rfsThreshold        repeat-factor sampling threshold t in r(c) = max(1, sqrt(t / f(c)))
 * @param scoreThreshold      detections must score above this (reference 0.0)
 * @param nmsIou              per-class NMS threshold at inference
 * @param maxDetections       detections kept per image
 * @param inferenceBatchSize  images per inference batch (also per feature-cache batch)
 */
public record DetectorConfig(
        String preset,
        String device,
        Integer threads,
        Long seed,
        Integer imageSize,
        Integer batchSize,
        Boolean flip,
        String backbone,
        List<Integer> backboneChannels,
        List<Integer> backboneBlocks,
        List<Double> anchorSizes,
        List<Double> anchorRatios,
        Integer rpnChannels,
        Integer roiSize,
        Integer roiSamplingRatio,
        Integer fcDim,
        Integer rpnSamplesPerImage,
        Double rpnPositiveFraction,
        Double rpnPositiveIou,
        Double rpnNegativeIou,
        Double rpnMinPositiveIou,
        Integer rpnPreNmsTrain,
        Integer rpnPostNmsTrain,
        Integer rpnPreNmsTest,
        Integer rpnPostNmsTest,
        Double rpnNmsIou,
        Integer roisPerImage,
        Double roiPositiveFraction,
        Double roiPositiveIou,
        Integer iterations,
        Double learningRate,
        Double momentum,
        Double weightDecay,
        Integer warmupIterations,
        Double warmupRatio,
        List<Double> lrSteps,
        Double lrGamma,
        Double gradClipNorm,
        Integer checkpointInterval,
        Integer progressInterval,
        Integer maxNonFiniteSteps,
        Integer retrainIterations,
        Double retrainLearningRate,
        Integer retrainImagesPerBatch,
        Boolean retrainFromCache,
        Integer cacheVariants,
        Integer cacheNegatives,
        Boolean retrainFlip,
        Double othersSampleRatio,
        Double rfsThreshold,
        Double scoreThreshold,
        Double nmsIou,
        Integer maxDetections,
        Integer inferenceBatchSize) {

    private static final ObjectMapper JSON = JsonMappers.indenting(JsonMappers.strict());

    public DetectorConfig {
        preset = or(preset, "small");
        device = or(device, "auto");
        threads = or(threads, 0);
        seed = or(seed, 42L);
        imageSize = or(imageSize, 96);
        batchSize = or(batchSize, 8);
        flip = or(flip, true);
        backbone = or(backbone, "simple");
        backboneChannels = or(backboneChannels, List.of(32, 64, 128));
        backboneBlocks = or(backboneBlocks, List.of(2, 2, 2));
        anchorSizes = or(anchorSizes, List.of(0.14, 0.2, 0.28, 0.4));
        anchorRatios = or(anchorRatios, List.of(0.7, 1.0, 1.4));
        rpnChannels = or(rpnChannels, 128);
        roiSize = or(roiSize, 5);
        roiSamplingRatio = or(roiSamplingRatio, 2);
        fcDim = or(fcDim, 256);
        rpnSamplesPerImage = or(rpnSamplesPerImage, 64);
        rpnPositiveFraction = or(rpnPositiveFraction, 0.5);
        rpnPositiveIou = or(rpnPositiveIou, 0.7);
        rpnNegativeIou = or(rpnNegativeIou, 0.3);
        rpnMinPositiveIou = or(rpnMinPositiveIou, 0.3);
        rpnPreNmsTrain = or(rpnPreNmsTrain, 400);
        rpnPostNmsTrain = or(rpnPostNmsTrain, 128);
        rpnPreNmsTest = or(rpnPreNmsTest, 400);
        rpnPostNmsTest = or(rpnPostNmsTest, 50);
        rpnNmsIou = or(rpnNmsIou, 0.7);
        roisPerImage = or(roisPerImage, 32);
        roiPositiveFraction = or(roiPositiveFraction, 0.25);
        roiPositiveIou = or(roiPositiveIou, 0.5);
        iterations = or(iterations, 3000);
        learningRate = or(learningRate, 0.02);
        momentum = or(momentum, 0.9);
        weightDecay = or(weightDecay, 1e-4);
        warmupIterations = or(warmupIterations, 100);
        warmupRatio = or(warmupRatio, 1.0 / 3);
        lrSteps = or(lrSteps, List.of(0.75, 0.92));
        lrGamma = or(lrGamma, 0.1);
        gradClipNorm = or(gradClipNorm, 35.0);
        checkpointInterval = or(checkpointInterval, 500);
        progressInterval = or(progressInterval, 20);
        maxNonFiniteSteps = or(maxNonFiniteSteps, 20);
        retrainIterations = or(retrainIterations, 600);
        retrainLearningRate = or(retrainLearningRate, 0.02);
        retrainImagesPerBatch = or(retrainImagesPerBatch, 16);
        retrainFromCache = or(retrainFromCache, true);
        cacheVariants = or(cacheVariants, 1);
        cacheNegatives = or(cacheNegatives, 64);
        retrainFlip = or(retrainFlip, true);
        othersSampleRatio = or(othersSampleRatio, 8.0);
        rfsThreshold = or(rfsThreshold, 0.001);
        scoreThreshold = or(scoreThreshold, 0.0);
        nmsIou = or(nmsIou, 0.5);
        maxDetections = or(maxDetections, 300);
        inferenceBatchSize = or(inferenceBatchSize, 8);
        if (backboneChannels.size() != backboneBlocks.size() || backboneChannels.isEmpty()) {
            throw new IllegalArgumentException("backboneChannels " + backboneChannels + " and backboneBlocks "
                    + backboneBlocks + " must name the same, non-zero number of stages");
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** The defaults: CPU, 96 px, the simple backbone. */
    public static DetectorConfig defaults() {
        return fromJson("{}");
    }

    /**
     * {@code tiny}: unit tests (64 px, a narrow net, a few dozen iterations); {@code small}: the CPU demo
     * (96 px); {@code medium}: a ResNet-style backbone at 256 px for GPU workers. Each matches the synthetic
     * dataset preset of the same name.
     */
    public static DetectorConfig preset(String name) {
        Map<String, Object> o = new LinkedHashMap<>();
        switch (name) {
            case "tiny" -> {
                o.put("imageSize", 64);
                o.put("batchSize", 4);
                o.put("backboneChannels", List.of(8, 16, 32));
                o.put("backboneBlocks", List.of(1, 1, 1));
                o.put("rpnChannels", 32);
                o.put("roiSize", 4);
                o.put("fcDim", 64);
                o.put("rpnSamplesPerImage", 32);
                o.put("roisPerImage", 32);
                o.put("rpnPreNmsTrain", 200);
                o.put("rpnPostNmsTrain", 64);
                o.put("rpnPreNmsTest", 200);
                o.put("iterations", 100);
                o.put("warmupIterations", 10);
                o.put("checkpointInterval", 50);
                o.put("progressInterval", 5);
                o.put("retrainIterations", 50);
                o.put("retrainImagesPerBatch", 8);
                o.put("maxDetections", 100);
            }
            case "small" -> {
            }
            case "medium" -> {
                o.put("imageSize", 256);
                o.put("batchSize", 16);
                o.put("backbone", "resnet");
                o.put("backboneChannels", List.of(64, 128, 256));
                o.put("backboneBlocks", List.of(2, 2, 2));
                o.put("anchorSizes", List.of(0.08, 0.12, 0.17, 0.24, 0.34));
                o.put("rpnChannels", 256);
                o.put("roiSize", 7);
                o.put("fcDim", 512);
                o.put("rpnSamplesPerImage", 128);
                o.put("roisPerImage", 128);
                o.put("rpnPreNmsTrain", 1000);
                o.put("rpnPostNmsTrain", 300);
                o.put("rpnPreNmsTest", 1000);
                o.put("rpnPostNmsTest", 300);
                o.put("iterations", 12000);
                o.put("warmupIterations", 500);
                o.put("checkpointInterval", 1000);
                o.put("progressInterval", 50);
                o.put("retrainIterations", 2000);
                o.put("retrainImagesPerBatch", 32);
                o.put("inferenceBatchSize", 8);
            }
            default -> throw new IllegalArgumentException("unknown preset '" + name + "': use tiny, small or medium");
        }
        o.put("preset", name);
        return defaults().with(o);
    }

    /** Throws {@link DetectorConfigRanges.OutOfRangeException} naming the first field outside its range. */
    public DetectorConfig checkRanges() {
        DetectorConfigRanges.check(this);
        return this;
    }

    /** A copy with one field changed, e.g. {@code with("iterations", 100)}. */
    public DetectorConfig with(String field, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(field, value);
        return with(m);
    }

    /** A copy with the given fields changed; unknown field names or wrong types fail. */
    public DetectorConfig with(Map<String, ?> changes) {
        ObjectNode tree = JSON.valueToTree(this);
        tree.setAll((ObjectNode) JSON.valueToTree(changes));
        try {
            return JSON.treeToValue(tree, DetectorConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad detector config change " + changes + ": " + e.getMessage(), e);
        }
    }

    /** Fields that say where and how visibly a run goes (and when it gives up), never what it computes. */
    private static final Set<String> PLACEMENT_FIELDS = Set.of("preset", "device", "threads", "checkpointInterval",
            "progressInterval", "maxNonFiniteSteps");
    /** Fields read only by classifier-only retraining. */
    private static final Set<String> RETRAIN_FIELDS = Set.of("retrainIterations", "retrainLearningRate",
            "retrainImagesPerBatch", "retrainFromCache", "cacheVariants", "cacheNegatives", "retrainFlip",
            "othersSampleRatio", "rfsThreshold");
    /** Fields read only by inference. */
    private static final Set<String> INFERENCE_FIELDS = Set.of("rpnPreNmsTest", "rpnPostNmsTest", "scoreThreshold",
            "nmsIou", "maxDetections", "inferenceBatchSize");
    /** Fields that change neither the model nor base training's random choices. */
    private static final Set<String> RUNTIME_FIELDS = union(PLACEMENT_FIELDS, RETRAIN_FIELDS, INFERENCE_FIELDS);

    /** This model's config with the runtime, retraining and inference fields of {@code other}. */
    public DetectorConfig withRuntimeFrom(DetectorConfig other) {
        return withFieldsFrom(RUNTIME_FIELDS, other);
    }

    /** This config with the placement fields (device, threads, intervals, preset name) of {@code other}. */
    public DetectorConfig withPlacementFrom(DetectorConfig other) {
        return withFieldsFrom(PLACEMENT_FIELDS, other);
    }

    /** This config with the classifier-retraining fields of {@code other}. */
    public DetectorConfig withRetrainFrom(DetectorConfig other) {
        return withFieldsFrom(RETRAIN_FIELDS, other);
    }

    /** This config with the inference fields of {@code other}. */
    public DetectorConfig withInferenceFrom(DetectorConfig other) {
        return withFieldsFrom(INFERENCE_FIELDS, other);
    }

    private DetectorConfig withFieldsFrom(Set<String> fields, DetectorConfig other) {
        ObjectNode theirs = JSON.valueToTree(other);
        Map<String, Object> changes = new LinkedHashMap<>();
        for (String f : fields) {
            changes.put(f, theirs.get(f));
        }
        return with(changes);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new java.util.HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }

    /** Names of the fields, other than runtime and later-stage ones, whose values differ from {@code other}'s. */
    public List<String> differencesAffectingTraining(DetectorConfig other) {
        ObjectNode a = JSON.valueToTree(this);
        ObjectNode b = JSON.valueToTree(other);
        List<String> diff = new java.util.ArrayList<>();
        a.fieldNames().forEachRemaining(f -> {
            if (!RUNTIME_FIELDS.contains(f) && !a.get(f).equals(b.get(f))) {
                diff.add(f);
            }
        });
        return diff;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a config; absent fields take their defaults, unknown ones fail. */
    public static DetectorConfig fromJson(String json) {
        try {
            return JSON.readValue(json, DetectorConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad detector config: " + e.getMessage(), e);
        }
    }
}

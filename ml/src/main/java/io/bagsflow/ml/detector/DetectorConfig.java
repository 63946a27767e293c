package io.bagsflow.ml.detector;

import static io.bagsflow.ml.detector.SettingRole.INFERENCE;
import static io.bagsflow.ml.detector.SettingRole.PLACEMENT;
import static io.bagsflow.ml.detector.SettingRole.RETRAIN;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.bags.RepeatFactors;
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
 * @param masks               a Mask R-CNN style mask head ({@link io.bagsflow.ml.detector.model.MaskHead}), trained
 *                            with the base model on the annotations' polygons; inference then writes each
 *                            detection's mask. Classifier-only retraining keeps the base's mask head
 * @param rpnSamplesPerImage  anchors sampled per image for the RPN loss (reference 256 at 800 px)
 * @param rpnPositiveFraction largest share of positives among the sampled anchors
 * @param rpnPositiveIou      an anchor is positive from this IoU with a ground-truth box
 * @param rpnNegativeIou      an anchor is negative below this IoU with every ground-truth box
 * @param rpnMinPositiveIou   each ground-truth box also claims its best anchors if their IoU reaches this
 * @param rpnPreNmsTrain      proposals: best anchors decoded before NMS in training (Test: at inference)
 * @param rpnPostNmsTrain     proposals kept after NMS per image in training (Test: at inference)
 * @param rpnPreNmsTest       proposals: best anchors decoded before NMS at inference
 * @param rpnPostNmsTest      proposals kept after NMS per image at inference
 * @param rpnNmsIou           IoU threshold of the proposals' NMS
 * @param roisPerImage        RoIs sampled per image for the RCNN loss (reference 512 at 800 px)
 * @param roiPositiveFraction largest share of foreground among the sampled RoIs
 * @param roiPositiveIou      a RoI is foreground from this IoU with a ground-truth box
 * @param iterations          steps of base training
 * @param learningRate        base training's SGD learning rate after warm-up
 * @param momentum            SGD momentum (base training and retraining)
 * @param weightDecay         SGD weight decay (base training and retraining)
 * @param warmupIterations    steps of linear learning-rate warm-up
 * @param warmupRatio         the warm-up starts at learningRate times this
 * @param lrSteps             step decay points as fractions of the iterations
 * @param lrGamma             factor applied to the learning rate at each of lrSteps
 * @param gradClipNorm        gradients are clipped to this global L2 norm
 * @param checkpointInterval  iterations between checkpoints (0: only the final one)
 * @param progressInterval    iterations between progress reports (and loss-curve points)
 * @param maxNonFiniteSteps   a run fails once more steps than this had a non-finite loss or gradient
 * @param retrainIterations   steps of classifier-only retraining (all methods)
 * @param retrainLearningRate learning rate of classifier-only retraining
 * @param retrainImagesPerBatch images whose sampled RoIs make one retraining step
 * @param retrainFromCache    train the classifier on cached RoI features (fast path) instead of running
 *                            the frozen network every step
 * @param cacheVariants       times each image is cached (odd ones mirrored when retrainFlip); a step uses one
 * @param cacheNegatives      background candidates cached per image beside all positive ones
 * @param retrainFlip         random horizontal flips in retraining (full path; odd cache variants)
 * @param othersSampleRatio   BAGS: "others" RoIs drawn per positive of a group; 0 none, {@link #OTHERS_ALL} all
 * @param rfsThreshold        repeat-factor sampling threshold t as LVIS writes it, scaled to the dataset: a
 *                            category repeats when it is in fewer than t x 57,263 training images (LVIS v0.5's
 *                            size, where t = 0.001 means ~57 images), i.e. r(c) = max(1, sqrt(t' / f(c))) with
 *                            t' = t x 57,263 / N for N training images ({@link RepeatFactors#forLvisThreshold})
 * @param init                retraining: how every retrained classifier starts, one policy for all kinds:
 *                            {@code random} (N(0, 0.01) weights, zero bias: the official BAGS recipe, whose
 *                            resized layer mmcv cannot load, and cRT as Kang et al.'s code runs it,
 *                            {@code stage1_weights: false}) or {@code from_base} (the base classifier's rows;
 *                            BAGS: base rows copied, foreground row their mean, "others" 0). LWS and tau-norm are
 *                            defined on the base classifier and do not read it
 * @param schedule            retraining: {@code official} (as many images as base training, the official lr
 *                            scaled to the batch, warm-up, steps at epochs 8 and 11 of 12; see
 *                            {@link RetrainSchedule}) or {@code legacy} ({@code retrainIterations},
 *                            {@code retrainLearningRate}, no warm-up, steps at {@code lrSteps})
 * @param lossNormalisation   retraining: {@code per_shard} (each group's loss averaged per shard of
 *                            {@code shardSize} images, then over the shards, as the official per-GPU averaging)
 *                            or {@code global} (once over the whole batch)
 * @param shardSize           retraining: images per shard for {@code per_shard} (official: 2 per GPU)
 * @param trainHead           retraining: also train the box head's fc layers and box regression (the paper's
 *                            "whole head" ablation); runs the full path, the feature cache holds post-fc features
 * @param groupLossWeights    BAGS retraining: {@code none} or {@code inverse_count} (the official re-weighted
 *                            group loss: per-bin inverse instance counts over their bin mean, clipped to [0.1, 5])
 * @param scoreThreshold      detections must score above this (reference 0.0)
 * @param nmsIou              per-class NMS threshold at inference
 * @param maxDetections       detections kept per image
 * @param inferenceBatchSize  images per inference batch (also per feature-cache batch)
 */
public record DetectorConfig(
        @Role(PLACEMENT) String preset,
        @Role(PLACEMENT) String device,
        @Role(PLACEMENT) Integer threads,
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
        Boolean masks,
        Integer rpnSamplesPerImage,
        Double rpnPositiveFraction,
        Double rpnPositiveIou,
        Double rpnNegativeIou,
        Double rpnMinPositiveIou,
        Integer rpnPreNmsTrain,
        Integer rpnPostNmsTrain,
        @Role(INFERENCE) Integer rpnPreNmsTest,
        @Role(INFERENCE) Integer rpnPostNmsTest,
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
        @Role(PLACEMENT) Integer checkpointInterval,
        @Role(PLACEMENT) Integer progressInterval,
        @Role(PLACEMENT) Integer maxNonFiniteSteps,
        @Role(RETRAIN) Integer retrainIterations,
        @Role(RETRAIN) Double retrainLearningRate,
        @Role(RETRAIN) Integer retrainImagesPerBatch,
        @Role(RETRAIN) Boolean retrainFromCache,
        @Role(RETRAIN) Integer cacheVariants,
        @Role(RETRAIN) Integer cacheNegatives,
        @Role(RETRAIN) Boolean retrainFlip,
        @Role(RETRAIN) Double othersSampleRatio,
        @Role(RETRAIN) Double rfsThreshold,
        @Role(RETRAIN) String init,
        @Role(RETRAIN) String schedule,
        @Role(RETRAIN) String lossNormalisation,
        @Role(RETRAIN) Integer shardSize,
        @Role(RETRAIN) Boolean trainHead,
        @Role(RETRAIN) String groupLossWeights,
        @Role(INFERENCE) Double scoreThreshold,
        @Role(INFERENCE) Double nmsIou,
        @Role(INFERENCE) Integer maxDetections,
        @Role(INFERENCE) Integer inferenceBatchSize) {

    /** {@code othersSampleRatio} meaning "every others RoI" (the paper's "all" row): more than any step has. */
    public static final double OTHERS_ALL = 1_000_000;

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
        masks = or(masks, false);
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
        init = oneOf("init", or(init, "random"), "random", "from_base");
        schedule = oneOf("schedule", or(schedule, "official"), "official", "legacy");
        lossNormalisation = oneOf("lossNormalisation", or(lossNormalisation, "per_shard"), "per_shard", "global");
        shardSize = or(shardSize, 2);
        trainHead = or(trainHead, false);
        groupLossWeights = oneOf("groupLossWeights", or(groupLossWeights, "none"), "none", "inverse_count");
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

    private static String oneOf(String field, String value, String... allowed) {
        if (!List.of(allowed).contains(value)) {
            throw new IllegalArgumentException(
                    field + " = \"" + value + "\": must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    /** The defaults: CPU, 96 px, the simple backbone. */
    public static DetectorConfig defaults() {
        return fromJson("{}");
    }

    /** A preset by name: {@code tiny}, {@code small} or {@code medium}, see {@link DetectorPresets}. */
    public static DetectorConfig preset(String name) {
        return DetectorPresets.get(name);
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
    private static final Set<String> PLACEMENT_FIELDS = SettingRole.PLACEMENT.fields();
    /** Fields read only by classifier-only retraining. */
    private static final Set<String> RETRAIN_FIELDS = SettingRole.RETRAIN.fields();
    /**
     * The retraining fields added with the official recipe, each with the value that reproduces the retraining
     * before them. Stage keys leave a field out while it has this value ({@link #toKeyJson()}), so keys made
     * before these fields existed still match: base models are reused, and an old-recipe spec finds its
     * fine-tunes.
     */
    public static final Map<String, Object> PRE_RECIPE = Map.of(
            "init",
            "from_base",
            "schedule",
            "legacy",
            "lossNormalisation",
            "global",
            "shardSize",
            2,
            "trainHead",
            false,
            "groupLossWeights",
            "none");
    /** Fields read only by inference. */
    private static final Set<String> INFERENCE_FIELDS = SettingRole.INFERENCE.fields();
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

    /** This config with the {@link #PRE_RECIPE} values (for the keys of stages that never read them). */
    public DetectorConfig withPreRecipeFields() {
        return with(PRE_RECIPE);
    }

    /**
     * Fields added after stage keys existed, left out of a key while they hold the value that computes what was
     * computed before them: a detector without a mask head keeps the keys it had before the field existed.
     */
    private static final Map<String, Object> ABSENT_WHEN = Map.of("masks", false);

    /**
     * The JSON of a stage key: {@link #toJson()} without the {@link #PRE_RECIPE} fields that hold that value, nor the
     * {@link #ABSENT_WHEN} ones.
     */
    public String toKeyJson() {
        ObjectNode tree = JSON.valueToTree(this);
        for (Map.Entry<String, Object> e : ABSENT_WHEN.entrySet()) {
            if (tree.get(e.getKey()).equals(JSON.valueToTree(e.getValue()))) {
                tree.remove(e.getKey());
            }
        }
        for (Map.Entry<String, Object> e : PRE_RECIPE.entrySet()) {
            if (tree.get(e.getKey()).equals(JSON.valueToTree(e.getValue()))) {
                tree.remove(e.getKey());
            }
        }
        try {
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

package io.bagsflow.ml.detector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.detector.train.LossNormalisation;
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
 * scale with the image size and the iteration count.
 *
 * <p>Each component is defined once, by its entry in {@link DetectorSettings} (same name, in upper snake case):
 * its meaning, default, range or choices, and the stage keys it enters ({@link SettingRole}). The constructor takes
 * the defaults from there, {@link #checkRanges()} the ranges (enforced where settings come from users, the
 * pipeline spec, while library callers and tests may use smaller values such as a checkpoint every 5 steps), and
 * the table of settings in docs/spec.md is generated from it. Choices are enums ({@link SettingChoice}) that JSON
 * spells in lower case.
 */
public record DetectorConfig(
        String preset,
        ComputeDevice device,
        Integer threads,
        Long seed,
        Integer imageSize,
        Integer batchSize,
        Boolean flip,
        BackboneKind backbone,
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
        ClassifierInit init,
        RetrainScheduleKind schedule,
        LossNormalisation lossNormalisation,
        Integer shardSize,
        Boolean trainHead,
        GroupLossWeights groupLossWeights,
        Double scoreThreshold,
        Double nmsIou,
        Integer maxDetections,
        Integer inferenceBatchSize) {

    /** {@code othersSampleRatio} meaning "every others RoI" (the paper's "all" row): more than any step has. */
    public static final double OTHERS_ALL = 1_000_000;

    private static final ObjectMapper JSON = JsonMappers.indenting(JsonMappers.strict());

    public DetectorConfig {
        preset = DetectorSettings.PRESET.or(preset);
        device = DetectorSettings.DEVICE.or(device);
        threads = DetectorSettings.THREADS.or(threads);
        seed = DetectorSettings.SEED.or(seed);
        imageSize = DetectorSettings.IMAGE_SIZE.or(imageSize);
        batchSize = DetectorSettings.BATCH_SIZE.or(batchSize);
        flip = DetectorSettings.FLIP.or(flip);
        backbone = DetectorSettings.BACKBONE.or(backbone);
        backboneChannels = DetectorSettings.BACKBONE_CHANNELS.or(backboneChannels);
        backboneBlocks = DetectorSettings.BACKBONE_BLOCKS.or(backboneBlocks);
        anchorSizes = DetectorSettings.ANCHOR_SIZES.or(anchorSizes);
        anchorRatios = DetectorSettings.ANCHOR_RATIOS.or(anchorRatios);
        rpnChannels = DetectorSettings.RPN_CHANNELS.or(rpnChannels);
        roiSize = DetectorSettings.ROI_SIZE.or(roiSize);
        roiSamplingRatio = DetectorSettings.ROI_SAMPLING_RATIO.or(roiSamplingRatio);
        fcDim = DetectorSettings.FC_DIM.or(fcDim);
        masks = DetectorSettings.MASKS.or(masks);
        rpnSamplesPerImage = DetectorSettings.RPN_SAMPLES_PER_IMAGE.or(rpnSamplesPerImage);
        rpnPositiveFraction = DetectorSettings.RPN_POSITIVE_FRACTION.or(rpnPositiveFraction);
        rpnPositiveIou = DetectorSettings.RPN_POSITIVE_IOU.or(rpnPositiveIou);
        rpnNegativeIou = DetectorSettings.RPN_NEGATIVE_IOU.or(rpnNegativeIou);
        rpnMinPositiveIou = DetectorSettings.RPN_MIN_POSITIVE_IOU.or(rpnMinPositiveIou);
        rpnPreNmsTrain = DetectorSettings.RPN_PRE_NMS_TRAIN.or(rpnPreNmsTrain);
        rpnPostNmsTrain = DetectorSettings.RPN_POST_NMS_TRAIN.or(rpnPostNmsTrain);
        rpnPreNmsTest = DetectorSettings.RPN_PRE_NMS_TEST.or(rpnPreNmsTest);
        rpnPostNmsTest = DetectorSettings.RPN_POST_NMS_TEST.or(rpnPostNmsTest);
        rpnNmsIou = DetectorSettings.RPN_NMS_IOU.or(rpnNmsIou);
        roisPerImage = DetectorSettings.ROIS_PER_IMAGE.or(roisPerImage);
        roiPositiveFraction = DetectorSettings.ROI_POSITIVE_FRACTION.or(roiPositiveFraction);
        roiPositiveIou = DetectorSettings.ROI_POSITIVE_IOU.or(roiPositiveIou);
        iterations = DetectorSettings.ITERATIONS.or(iterations);
        learningRate = DetectorSettings.LEARNING_RATE.or(learningRate);
        momentum = DetectorSettings.MOMENTUM.or(momentum);
        weightDecay = DetectorSettings.WEIGHT_DECAY.or(weightDecay);
        warmupIterations = DetectorSettings.WARMUP_ITERATIONS.or(warmupIterations);
        warmupRatio = DetectorSettings.WARMUP_RATIO.or(warmupRatio);
        lrSteps = DetectorSettings.LR_STEPS.or(lrSteps);
        lrGamma = DetectorSettings.LR_GAMMA.or(lrGamma);
        gradClipNorm = DetectorSettings.GRAD_CLIP_NORM.or(gradClipNorm);
        checkpointInterval = DetectorSettings.CHECKPOINT_INTERVAL.or(checkpointInterval);
        progressInterval = DetectorSettings.PROGRESS_INTERVAL.or(progressInterval);
        maxNonFiniteSteps = DetectorSettings.MAX_NON_FINITE_STEPS.or(maxNonFiniteSteps);
        retrainIterations = DetectorSettings.RETRAIN_ITERATIONS.or(retrainIterations);
        retrainLearningRate = DetectorSettings.RETRAIN_LEARNING_RATE.or(retrainLearningRate);
        retrainImagesPerBatch = DetectorSettings.RETRAIN_IMAGES_PER_BATCH.or(retrainImagesPerBatch);
        retrainFromCache = DetectorSettings.RETRAIN_FROM_CACHE.or(retrainFromCache);
        cacheVariants = DetectorSettings.CACHE_VARIANTS.or(cacheVariants);
        cacheNegatives = DetectorSettings.CACHE_NEGATIVES.or(cacheNegatives);
        retrainFlip = DetectorSettings.RETRAIN_FLIP.or(retrainFlip);
        othersSampleRatio = DetectorSettings.OTHERS_SAMPLE_RATIO.or(othersSampleRatio);
        rfsThreshold = DetectorSettings.RFS_THRESHOLD.or(rfsThreshold);
        init = DetectorSettings.INIT.or(init);
        schedule = DetectorSettings.SCHEDULE.or(schedule);
        lossNormalisation = DetectorSettings.LOSS_NORMALISATION.or(lossNormalisation);
        shardSize = DetectorSettings.SHARD_SIZE.or(shardSize);
        trainHead = DetectorSettings.TRAIN_HEAD.or(trainHead);
        groupLossWeights = DetectorSettings.GROUP_LOSS_WEIGHTS.or(groupLossWeights);
        scoreThreshold = DetectorSettings.SCORE_THRESHOLD.or(scoreThreshold);
        nmsIou = DetectorSettings.NMS_IOU.or(nmsIou);
        maxDetections = DetectorSettings.MAX_DETECTIONS.or(maxDetections);
        inferenceBatchSize = DetectorSettings.INFERENCE_BATCH_SIZE.or(inferenceBatchSize);
        if (backboneChannels.size() != backboneBlocks.size() || backboneChannels.isEmpty()) {
            throw new IllegalArgumentException("backboneChannels " + backboneChannels + " and backboneBlocks "
                    + backboneBlocks + " must name the same, non-zero number of stages");
        }
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
            ClassifierInit.FROM_BASE,
            "schedule",
            RetrainScheduleKind.LEGACY,
            "lossNormalisation",
            LossNormalisation.GLOBAL,
            "shardSize",
            2,
            "trainHead",
            false,
            "groupLossWeights",
            GroupLossWeights.NONE);
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

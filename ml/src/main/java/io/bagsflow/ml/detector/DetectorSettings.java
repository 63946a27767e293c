package io.bagsflow.ml.detector;

import static io.bagsflow.ml.detector.SettingRange.UNBOUNDED;
import static io.bagsflow.ml.detector.SettingRange.aboveUpTo;
import static io.bagsflow.ml.detector.SettingRange.closed;
import static io.bagsflow.ml.detector.SettingRange.fromBelow;
import static io.bagsflow.ml.detector.SettingRange.positive;
import static io.bagsflow.ml.detector.SettingRange.whole;
import static io.bagsflow.ml.detector.SettingRange.wholeOrOff;
import static io.bagsflow.ml.detector.SettingRole.INFERENCE;
import static io.bagsflow.ml.detector.SettingRole.MODEL;
import static io.bagsflow.ml.detector.SettingRole.PLACEMENT;
import static io.bagsflow.ml.detector.SettingRole.RETRAIN;

import io.bagsflow.ml.detector.train.LossNormalisation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of {@link DetectorConfig}, each defined once, in the order of the record's components: its JSON
 * name, the stage keys it enters ({@link SettingRole}), default (the {@code small} preset), range or choices, unit
 * and meaning. The record applies the defaults, {@link DetectorConfigRanges} checks the ranges, and the table of
 * settings in docs/spec.md is {@link #markdownTable()} (DetectorSettingsTest keeps them equal).
 *
 * <p>A setting nobody classified would be a {@link SettingRole#MODEL} one: it enters every key, so changing it
 * retrains rather than reusing a model made without it. A range is what a spec may ask for; library callers and
 * tests may go below it (a checkpoint every 5 steps).
 */
public final class DetectorSettings {

    /** Filled by the constants below, in their textual (static initialiser) order. */
    private static final List<DetectorSetting<?>> TABLE = new ArrayList<>();

    public static final DetectorSetting<String> PRESET = setting(
            "preset",
            PLACEMENT,
            "small",
            null,
            "",
            "the preset this config started from (`tiny`, `small` or `medium`; informational: the spec's "
                    + "`detector.preset` picks the starting values)");
    public static final DetectorSetting<ComputeDevice> DEVICE = choice(
            "device",
            PLACEMENT,
            ComputeDevice.AUTO,
            "`auto`: the GPU when the PyTorch engine sees one, else the CPU; `gpu` fails when it sees none");
    public static final DetectorSetting<Integer> THREADS = setting(
            "threads",
            PLACEMENT,
            0,
            whole(0, 1024),
            "threads",
            "PyTorch intra-op threads; 0 picks them per process: `BAGSFLOW_THREADS` if set, else the cores (divided by "
                    + "`BAGSFLOW_WORKERS_PER_HOST`) up to 8. Results are deterministic for a given thread count");
    public static final DetectorSetting<Long> SEED = setting(
            "seed",
            MODEL,
            42L,
            whole(0, UNBOUNDED),
            "",
            "seeds every random choice: weight init, image order, flips, samplers");
    // a multiple of the backbone stride is checked when the model is built
    public static final DetectorSetting<Integer> IMAGE_SIZE =
            setting("imageSize", MODEL, 96, whole(16, 4096), "px", "images are resized to imageSize x imageSize");
    public static final DetectorSetting<Integer> BATCH_SIZE =
            setting("batchSize", MODEL, 8, whole(1, 1024), "images", "images per training step");
    public static final DetectorSetting<Boolean> FLIP =
            flag("flip", MODEL, true, "random horizontal flips in base training");
    public static final DetectorSetting<BackboneKind> BACKBONE = choice(
            "backbone",
            MODEL,
            BackboneKind.SIMPLE,
            "`simple`: conv-BN-ReLU stages (the fast CPU net); `resnet`: a stride-2 stem and basic residual blocks");
    public static final DetectorSetting<List<Integer>> BACKBONE_CHANNELS = setting(
            "backboneChannels",
            MODEL,
            List.of(32, 64, 128),
            whole(1, 4096),
            "channels",
            "output channels per stage; every simple stage halves the resolution (resnet: stage 0 has stride 2 "
                    + "after a stride-2 stem): total stride 8 with 3 stages");
    public static final DetectorSetting<List<Integer>> BACKBONE_BLOCKS = setting(
            "backboneBlocks",
            MODEL,
            List.of(2, 2, 2),
            whole(1, 64),
            "",
            "convs (simple) or basic blocks (resnet) per stage; as many stages as `backboneChannels`");
    public static final DetectorSetting<List<Double>> ANCHOR_SIZES = setting(
            "anchorSizes",
            MODEL,
            List.of(0.14, 0.2, 0.28, 0.4),
            aboveUpTo(0, 1),
            "of the image side",
            "anchor side lengths as fractions of the image side");
    public static final DetectorSetting<List<Double>> ANCHOR_RATIOS =
            setting("anchorRatios", MODEL, List.of(0.7, 1.0, 1.4), aboveUpTo(0, 10), "", "anchor height / width");
    public static final DetectorSetting<Integer> RPN_CHANNELS =
            setting("rpnChannels", MODEL, 128, whole(1, 4096), "channels", "channels of the RPN's 3x3 conv");
    public static final DetectorSetting<Integer> ROI_SIZE =
            setting("roiSize", MODEL, 5, whole(1, 64), "bins", "RoIAlign output is roiSize x roiSize");
    public static final DetectorSetting<Integer> ROI_SAMPLING_RATIO = setting(
            "roiSamplingRatio",
            MODEL,
            2,
            whole(1, 16),
            "samples",
            "bilinear samples per bin side (the reference's sample_num)");
    public static final DetectorSetting<Integer> FC_DIM = setting(
            "fcDim", MODEL, 256, whole(1, 16384), "", "width of the box head's two fc layers (the classifier's input)");
    public static final DetectorSetting<Boolean> MASKS = flag(
            "masks",
            MODEL,
            false,
            "a Mask R-CNN style mask head, trained with the base model on the annotations' polygons; inference then "
                    + "writes each detection's mask. Classifier-only retraining keeps the base's mask head");
    public static final DetectorSetting<Integer> RPN_SAMPLES_PER_IMAGE = setting(
            "rpnSamplesPerImage",
            MODEL,
            64,
            whole(1, 100_000),
            "anchors",
            "anchors sampled per image for the RPN loss (reference 256 at 800 px)");
    public static final DetectorSetting<Double> RPN_POSITIVE_FRACTION = setting(
            "rpnPositiveFraction",
            MODEL,
            0.5,
            aboveUpTo(0, 1),
            "",
            "largest share of positives among the sampled anchors");
    public static final DetectorSetting<Double> RPN_POSITIVE_IOU = setting(
            "rpnPositiveIou",
            MODEL,
            0.7,
            aboveUpTo(0, 1),
            "",
            "an anchor is positive from this IoU with a ground-truth box");
    public static final DetectorSetting<Double> RPN_NEGATIVE_IOU = setting(
            "rpnNegativeIou",
            MODEL,
            0.3,
            fromBelow(0, 1),
            "",
            "an anchor is negative below this IoU with every ground-truth box");
    public static final DetectorSetting<Double> RPN_MIN_POSITIVE_IOU = setting(
            "rpnMinPositiveIou",
            MODEL,
            0.3,
            closed(0, 1),
            "",
            "each ground-truth box also claims its best anchors if their IoU reaches this");
    public static final DetectorSetting<Integer> RPN_PRE_NMS_TRAIN = setting(
            "rpnPreNmsTrain",
            MODEL,
            400,
            whole(1, 100_000),
            "proposals",
            "best anchors decoded before the proposals' NMS in training");
    public static final DetectorSetting<Integer> RPN_POST_NMS_TRAIN = setting(
            "rpnPostNmsTrain",
            MODEL,
            128,
            whole(1, 100_000),
            "proposals",
            "proposals kept after NMS per image in training");
    public static final DetectorSetting<Integer> RPN_PRE_NMS_TEST = setting(
            "rpnPreNmsTest",
            INFERENCE,
            400,
            whole(1, 100_000),
            "proposals",
            "best anchors decoded before the proposals' NMS at inference");
    public static final DetectorSetting<Integer> RPN_POST_NMS_TEST = setting(
            "rpnPostNmsTest",
            INFERENCE,
            50,
            whole(1, 100_000),
            "proposals",
            "proposals kept after NMS per image at inference");
    public static final DetectorSetting<Double> RPN_NMS_IOU =
            setting("rpnNmsIou", MODEL, 0.7, aboveUpTo(0, 1), "", "IoU threshold of the proposals' NMS");
    public static final DetectorSetting<Integer> ROIS_PER_IMAGE = setting(
            "roisPerImage",
            MODEL,
            32,
            whole(1, 100_000),
            "RoIs",
            "RoIs sampled per image for the RCNN loss (reference 512 at 800 px)");
    public static final DetectorSetting<Double> ROI_POSITIVE_FRACTION = setting(
            "roiPositiveFraction",
            MODEL,
            0.25,
            aboveUpTo(0, 1),
            "",
            "largest share of foreground among the sampled RoIs");
    public static final DetectorSetting<Double> ROI_POSITIVE_IOU = setting(
            "roiPositiveIou",
            MODEL,
            0.5,
            aboveUpTo(0, 1),
            "",
            "a RoI is foreground from this IoU with a ground-truth box");
    public static final DetectorSetting<Integer> ITERATIONS =
            setting("iterations", MODEL, 3000, whole(1, 100_000_000), "steps", "steps of base training");
    public static final DetectorSetting<Double> LEARNING_RATE =
            setting("learningRate", MODEL, 0.02, positive(), "", "base training's SGD learning rate after warm-up");
    public static final DetectorSetting<Double> MOMENTUM =
            setting("momentum", MODEL, 0.9, fromBelow(0, 1), "", "SGD momentum (base training and retraining)");
    public static final DetectorSetting<Double> WEIGHT_DECAY =
            setting("weightDecay", MODEL, 1e-4, fromBelow(0, 1), "", "SGD weight decay (base training and retraining)");
    public static final DetectorSetting<Integer> WARMUP_ITERATIONS = setting(
            "warmupIterations", MODEL, 100, whole(0, 100_000_000), "steps", "steps of linear learning-rate warm-up");
    public static final DetectorSetting<Double> WARMUP_RATIO = setting(
            "warmupRatio", MODEL, 1.0 / 3, aboveUpTo(0, 1), "", "the warm-up starts at learningRate times this");
    public static final DetectorSetting<List<Double>> LR_STEPS = setting(
            "lrSteps",
            MODEL,
            List.of(0.75, 0.92),
            aboveUpTo(0, 1),
            "of the steps",
            "step decay points as fractions of the iterations");
    public static final DetectorSetting<Double> LR_GAMMA = setting(
            "lrGamma", MODEL, 0.1, aboveUpTo(0, 1), "", "factor applied to the learning rate at each of lrSteps");
    public static final DetectorSetting<Double> GRAD_CLIP_NORM = setting(
            "gradClipNorm",
            MODEL,
            35.0,
            closed(0, 1e6),
            "",
            "gradients are clipped to this global L2 norm; 0 turns clipping off");
    // Each checkpoint (the whole model with its optimiser state) is written, hashed, uploaded and recorded before
    // training goes on, and every one is kept: at 1 a run would spend more time and disk on checkpoints than on
    // training. 20 steps are ~1.7 s of base training on the small preset (8 images per step at 89-100 images/s,
    // README benchmarks), and a lost worker loses at most that much; 0 keeps only the final one.
    public static final DetectorSetting<Integer> CHECKPOINT_INTERVAL = setting(
            "checkpointInterval",
            PLACEMENT,
            500,
            wholeOrOff(20, 100_000_000),
            "steps",
            "steps between checkpoints; 0: only the final one. Every checkpoint is written, hashed, uploaded and "
                    + "kept before training goes on; 20 steps are ~1.7 s of base training on `small`");
    public static final DetectorSetting<Integer> PROGRESS_INTERVAL = setting(
            "progressInterval",
            PLACEMENT,
            20,
            whole(1, 1_000_000),
            "steps",
            "steps between progress reports (and loss-curve points)");
    public static final DetectorSetting<Integer> MAX_NON_FINITE_STEPS = setting(
            "maxNonFiniteSteps",
            PLACEMENT,
            20,
            whole(0, 1_000_000),
            "steps",
            "a run fails once more steps than this had a non-finite loss or gradient");
    public static final DetectorSetting<Integer> RETRAIN_ITERATIONS = setting(
            "retrainIterations",
            RETRAIN,
            600,
            whole(1, 100_000_000),
            "steps",
            "steps of classifier-only retraining (all methods; read by the `legacy` schedule)");
    public static final DetectorSetting<Double> RETRAIN_LEARNING_RATE = setting(
            "retrainLearningRate",
            RETRAIN,
            0.02,
            positive(),
            "",
            "learning rate of classifier-only retraining (read by the `legacy` schedule)");
    public static final DetectorSetting<Integer> RETRAIN_IMAGES_PER_BATCH = setting(
            "retrainImagesPerBatch",
            RETRAIN,
            16,
            whole(1, 1024),
            "images",
            "images whose sampled RoIs make one retraining step");
    public static final DetectorSetting<Boolean> RETRAIN_FROM_CACHE = flag(
            "retrainFromCache",
            RETRAIN,
            true,
            "train the classifier on cached RoI features (the fast path) instead of running the frozen network "
                    + "every step");
    public static final DetectorSetting<Integer> CACHE_VARIANTS = setting(
            "cacheVariants",
            RETRAIN,
            1,
            whole(1, 64),
            "",
            "times each image is cached (odd ones mirrored when retrainFlip); a step uses one");
    public static final DetectorSetting<Integer> CACHE_NEGATIVES = setting(
            "cacheNegatives",
            RETRAIN,
            64,
            whole(0, 100_000),
            "RoIs",
            "background candidates cached per image beside all positive ones");
    public static final DetectorSetting<Boolean> RETRAIN_FLIP =
            flag("retrainFlip", RETRAIN, true, "random horizontal flips in retraining (full path; odd cache variants)");
    // 0 samples no "others" at all: the paper's ablation row, and a grid value of the experiments. A ratio of at
    // least the RoIs in one step takes every "others" RoI: 1000000 (OTHERS_ALL) is the spelling of "all"
    public static final DetectorSetting<Double> OTHERS_SAMPLE_RATIO = setting(
            "othersSampleRatio",
            RETRAIN,
            8.0,
            closed(0, DetectorConfig.OTHERS_ALL),
            "",
            "BAGS: \"others\" RoIs drawn per positive of a group; 0: no \"others\"; 1000000: every \"others\" RoI "
                    + "(the paper's \"all\")");
    public static final DetectorSetting<Double> RFS_THRESHOLD = setting(
            "rfsThreshold",
            RETRAIN,
            0.001,
            aboveUpTo(0, 1),
            "",
            "repeat-factor sampling threshold t as LVIS writes it, scaled to the dataset: a category repeats when "
                    + "it is in fewer than t x 57,263 training images (LVIS v0.5's size), i.e. "
                    + "r(c) = max(1, sqrt(t' / f(c))) with t' = t x 57,263 / N for N training images");
    public static final DetectorSetting<ClassifierInit> INIT = choice(
            "init",
            RETRAIN,
            ClassifierInit.RANDOM,
            "one policy for every retrained classifier (the \"cls\" kinds): `random`: N(0, 0.01) weights and zero "
                    + "bias, drawn from the run's seed (officially mmcv cannot load the base's classifier into "
                    + "BAGS's resized C+G+2 layer and skips it; Kang et al.'s cRT re-initialises, "
                    + "`stage1_weights: false`); `from_base`, the ablation: the base classifier's rows (BAGS: base "
                    + "rows copied, the foreground row their mean, \"others\" 0; Seesaw: foreground row the mean of "
                    + "the class rows). LWS always keeps the base classifier; the \"all\" rows start from the whole "
                    + "base model");
    public static final DetectorSetting<RetrainScheduleKind> SCHEDULE = choice(
            "schedule",
            RETRAIN,
            RetrainScheduleKind.OFFICIAL,
            "`official`: as many images as base training (`iterations x batchSize / retrainImagesPerBatch` "
                    + "steps; the official fine-tune repeats the base's 12 epochs), learning rate by the linear "
                    + "scaling rule from 0.01 at 16 images (`0.01 x retrainImagesPerBatch / 16`), linear warm-up "
                    + "from 1/3 over the same share of the run as the official 500 of ~42,950 iterations (1.16 %, "
                    + "at least one step), decay by 0.1 at 8/12 and 11/12 of the steps; `retrainIterations`, "
                    + "`retrainLearningRate` and `lrSteps` are not read. `legacy`: `retrainIterations` steps at "
                    + "`retrainLearningRate`, no warm-up, decay at `lrSteps`. On `small`: 1500 steps at 0.01 (17 "
                    + "warm-up, decay at 1000 and 1375) against 600 at 0.02");
    public static final DetectorSetting<LossNormalisation> LOSS_NORMALISATION = choice(
            "lossNormalisation",
            RETRAIN,
            LossNormalisation.PER_SHARD,
            "`per_shard`: each group's loss is averaged per shard of `shardSize` images, then over the shards, as "
                    + "the official 8 GPUs with 2 images each average per GPU and then average gradients: a group "
                    + "with positives in one shard of eight takes an eighth of the step. `global`: averaged once "
                    + "over the batch");
    // images per shard of per_shard loss normalisation (official: 2 per GPU); beyond the batch it is global
    public static final DetectorSetting<Integer> SHARD_SIZE = setting(
            "shardSize",
            RETRAIN,
            2,
            whole(1, 1024),
            "images",
            "images per shard of `lossNormalisation: per_shard` (official: 2 per GPU)");
    public static final DetectorSetting<Boolean> TRAIN_HEAD = flag(
            "trainHead",
            RETRAIN,
            false,
            "`true`: the box head's fc layers and box regression train with the classifier (and the box loss), the "
                    + "paper's \"whole head\" ablation (`selectp=2`). It runs the full path (the frozen network on "
                    + "fresh images each step) even with `retrainFromCache`, because the cache holds the fc layers' "
                    + "output");
    public static final DetectorSetting<GroupLossWeights> GROUP_LOSS_WEIGHTS = choice(
            "groupLossWeights",
            RETRAIN,
            GroupLossWeights.NONE,
            "`inverse_count`: the official re-weighted group loss (`gs_bbox_head_with0_reweight.py`): in each group "
                    + "a class's RoIs weigh `1/n` (its training instances) over the group's mean of that, clipped "
                    + "to [0.1, 5]; \"others\" weigh 1, group 0 is not weighted; each group's loss is divided by "
                    + "its weight sum");
    public static final DetectorSetting<Double> SCORE_THRESHOLD = setting(
            "scoreThreshold", INFERENCE, 0.0, fromBelow(0, 1), "", "detections must score above this (reference 0.0)");
    public static final DetectorSetting<Double> NMS_IOU =
            setting("nmsIou", INFERENCE, 0.5, aboveUpTo(0, 1), "", "per-class NMS threshold at inference");
    public static final DetectorSetting<Integer> MAX_DETECTIONS =
            setting("maxDetections", INFERENCE, 300, whole(1, 10_000), "detections", "detections kept per image");
    public static final DetectorSetting<Integer> INFERENCE_BATCH_SIZE = setting(
            "inferenceBatchSize",
            INFERENCE,
            8,
            whole(1, 1024),
            "images",
            "images per inference batch (also per feature-cache batch)");

    /** Every setting, in the order of {@link DetectorConfig}'s components. */
    public static final List<DetectorSetting<?>> ALL = List.copyOf(TABLE);

    /** The settings by name, in the same order. */
    public static final Map<String, DetectorSetting<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toMap(
                    DetectorSetting::name,
                    Function.identity(),
                    (a, b) -> {
                        throw new IllegalStateException("two settings named " + a.name());
                    },
                    java.util.LinkedHashMap::new));

    private DetectorSettings() {}

    private static <T> DetectorSetting<T> setting(
            String name, SettingRole role, T defaultValue, SettingRange range, String unit, String meaning) {
        return add(new DetectorSetting<>(name, role, defaultValue, range, null, unit, meaning));
    }

    private static DetectorSetting<Boolean> flag(String name, SettingRole role, boolean defaultValue, String meaning) {
        return add(new DetectorSetting<>(name, role, defaultValue, null, null, "", meaning));
    }

    private static <E extends Enum<E> & SettingChoice> DetectorSetting<E> choice(
            String name, SettingRole role, E defaultValue, String meaning) {
        return add(
                new DetectorSetting<>(name, role, defaultValue, null, defaultValue.getDeclaringClass(), "", meaning));
    }

    private static <T> DetectorSetting<T> add(DetectorSetting<T> setting) {
        TABLE.add(setting);
        return setting;
    }

    /** The setting whose values are {@code choices}' constants (each choice enum belongs to one setting). */
    static String fieldOfChoice(Class<? extends SettingChoice> choices) {
        return ALL.stream()
                .filter(s -> s.choices() == choices)
                .map(DetectorSetting::name)
                .findFirst()
                .orElse(choices.getSimpleName());
    }

    /** The markdown table of docs/spec.md: one row per setting, in the record's order. */
    public static String markdownTable() {
        StringBuilder md = new StringBuilder();
        md.append("| key | default | values | stage keys | meaning |\n");
        md.append("| --- | --- | --- | --- | --- |\n");
        for (DetectorSetting<?> s : ALL) {
            Object old = DetectorConfig.PRE_RECIPE.get(s.name());
            String first = old != null && !old.equals(s.defaultValue())
                    ? " (first recipe: `" + DetectorSetting.json(old) + "`)"
                    : "";
            md.append("| `")
                    .append(s.name())
                    .append("` | `")
                    .append(s.defaultJson())
                    .append('`')
                    .append(s.unit().isEmpty() ? "" : " " + s.unit())
                    .append(first)
                    .append(" | ")
                    .append(cell(s.allowed()))
                    .append(" | ")
                    .append(keys(s.role()))
                    .append(" | ")
                    .append(cell(s.meaning()))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** Which stage keys a role's settings enter, i.e. what changing one recomputes. */
    private static String keys(SettingRole role) {
        return switch (role) {
            case MODEL -> "all";
            case RETRAIN -> "fine-tunes";
            case INFERENCE -> "inference";
            case PLACEMENT -> "none";
        };
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}

package io.bagsflow.ml.detector;

import static io.bagsflow.ml.detector.SettingRange.UNBOUNDED;
import static io.bagsflow.ml.detector.SettingRange.aboveUpTo;
import static io.bagsflow.ml.detector.SettingRange.closed;
import static io.bagsflow.ml.detector.SettingRange.fromBelow;
import static io.bagsflow.ml.detector.SettingRange.positive;
import static io.bagsflow.ml.detector.SettingRange.whole;
import static io.bagsflow.ml.detector.SettingRange.wholeOrOff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.BadInputException;
import io.bagsflow.ml.io.JsonMappers;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The range of every numeric field of {@link DetectorConfig}, in one table (the README points here). For a list
 * field the range applies to each element. A spec or a retry override outside a range is refused before any work
 * starts, instead of dividing by zero, training nothing, or writing a checkpoint every step.
 */
public final class DetectorConfigRanges {

    private static final ObjectMapper JSON = JsonMappers.strict();

    /** Field name to range; the order of {@link DetectorConfig}. */
    public static final Map<String, SettingRange> RANGES = table();

    private DetectorConfigRanges() {}

    private static Map<String, SettingRange> table() {
        Map<String, SettingRange> r = new LinkedHashMap<>();
        // 0: automatic (BAGSFLOW_THREADS, else the cores shared by the workers of this host; see DetectorThreads)
        r.put("threads", whole(0, 1024));
        r.put("seed", whole(0, UNBOUNDED));
        // a multiple of the backbone stride is checked when the model is built
        r.put("imageSize", whole(16, 4096));
        r.put("batchSize", whole(1, 1024));
        r.put("backboneChannels", whole(1, 4096));
        r.put("backboneBlocks", whole(1, 64));
        r.put("anchorSizes", aboveUpTo(0, 1));
        r.put("anchorRatios", aboveUpTo(0, 10));
        r.put("rpnChannels", whole(1, 4096));
        r.put("roiSize", whole(1, 64));
        r.put("roiSamplingRatio", whole(1, 16));
        r.put("fcDim", whole(1, 16384));
        r.put("rpnSamplesPerImage", whole(1, 100_000));
        r.put("rpnPositiveFraction", aboveUpTo(0, 1));
        r.put("rpnPositiveIou", aboveUpTo(0, 1));
        r.put("rpnNegativeIou", fromBelow(0, 1));
        r.put("rpnMinPositiveIou", closed(0, 1));
        r.put("rpnPreNmsTrain", whole(1, 100_000));
        r.put("rpnPostNmsTrain", whole(1, 100_000));
        r.put("rpnPreNmsTest", whole(1, 100_000));
        r.put("rpnPostNmsTest", whole(1, 100_000));
        r.put("rpnNmsIou", aboveUpTo(0, 1));
        r.put("roisPerImage", whole(1, 100_000));
        r.put("roiPositiveFraction", aboveUpTo(0, 1));
        r.put("roiPositiveIou", aboveUpTo(0, 1));
        r.put("iterations", whole(1, 100_000_000));
        r.put("learningRate", positive());
        r.put("momentum", fromBelow(0, 1));
        r.put("weightDecay", fromBelow(0, 1));
        r.put("warmupIterations", whole(0, 100_000_000));
        r.put("warmupRatio", aboveUpTo(0, 1));
        r.put("lrSteps", aboveUpTo(0, 1));
        r.put("lrGamma", aboveUpTo(0, 1));
        // 0 turns clipping off
        r.put("gradClipNorm", closed(0, 1e6));
        // Each checkpoint (the whole model with its optimiser state) is written, hashed, uploaded and recorded
        // before training goes on, and every one is kept: at 1 a run would spend more time and disk on checkpoints
        // than on training. 20 steps are ~1.7 s of base training on the small preset (8 images per step at 89-100
        // images/s, README benchmarks), and a lost worker loses at most that much; 0 keeps only the final one.
        r.put("checkpointInterval", wholeOrOff(20, 100_000_000));
        r.put("progressInterval", whole(1, 1_000_000));
        r.put("maxNonFiniteSteps", whole(0, 1_000_000));
        r.put("retrainIterations", whole(1, 100_000_000));
        r.put("retrainLearningRate", positive());
        r.put("retrainImagesPerBatch", whole(1, 1024));
        r.put("cacheVariants", whole(1, 64));
        r.put("cacheNegatives", whole(0, 100_000));
        // 0 samples no "others" at all: the paper's ablation row, and a grid value of the experiments. A ratio of
        // at least the RoIs in one step takes every "others" RoI: 1000000 (OTHERS_ALL) is the spelling of "all"
        r.put("othersSampleRatio", closed(0, DetectorConfig.OTHERS_ALL));
        r.put("rfsThreshold", aboveUpTo(0, 1));
        // images per shard of per_shard loss normalisation (official: 2 per GPU); beyond the batch it is global
        r.put("shardSize", whole(1, 1024));
        r.put("scoreThreshold", fromBelow(0, 1));
        r.put("nmsIou", aboveUpTo(0, 1));
        r.put("maxDetections", whole(1, 10_000));
        r.put("inferenceBatchSize", whole(1, 1024));
        return Collections.unmodifiableMap(r);
    }

    /** Throws {@link OutOfRangeException} for the first field of {@code config} outside its range. */
    public static void check(DetectorConfig config) {
        JsonNode tree = JSON.valueToTree(config);
        for (Map.Entry<String, SettingRange> e : RANGES.entrySet()) {
            JsonNode value = tree.get(e.getKey());
            if (value == null || value.isNull()) {
                continue;
            }
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    checkOne(e.getKey() + "[" + i + "]", value.get(i), e.getValue());
                }
            } else {
                checkOne(e.getKey(), value, e.getValue());
            }
        }
    }

    private static void checkOne(String key, JsonNode value, SettingRange range) {
        double v = value.isNumber() ? value.doubleValue() : Double.NaN;
        if (!range.contains(v)) {
            throw new OutOfRangeException(key, value.isNumber() ? SettingRange.format(v) : value.asText(), range);
        }
    }

    /** A setting outside its range; the message names the key, the value and the range. */
    public static final class OutOfRangeException extends BadInputException {
        private static final long serialVersionUID = 1L;

        private final String key;

        OutOfRangeException(String key, String value, SettingRange range) {
            super(key + " = " + value + " is out of range: " + range.describe());
            this.key = key;
        }

        /** The field (with {@code [i]} for a list element). */
        public String key() {
            return key;
        }

        /** The field name without a list index. */
        public String field() {
            int bracket = key.indexOf('[');
            return bracket < 0 ? key : key.substring(0, bracket);
        }
    }
}

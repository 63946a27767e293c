package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every {@link DetectorConfig} field has one role, and the roles are the ones the stage keys were built on: a field
 * moved to another role changes which trained models are reused, so that must be a decision made here, in the
 * expected lists, not a side effect. The roles are declared in {@link DetectorSettings}.
 */
class DetectorConfigFieldsTest {

    private static final Set<String> PLACEMENT =
            Set.of("preset", "device", "threads", "checkpointInterval", "progressInterval", "maxNonFiniteSteps");
    private static final Set<String> RETRAIN = Set.of(
            "retrainIterations",
            "retrainLearningRate",
            "retrainImagesPerBatch",
            "retrainFromCache",
            "cacheVariants",
            "cacheNegatives",
            "retrainFlip",
            "othersSampleRatio",
            "rfsThreshold",
            "init",
            "schedule",
            "lossNormalisation",
            "shardSize",
            "trainHead",
            "groupLossWeights");
    private static final Set<String> INFERENCE = Set.of(
            "rpnPreNmsTest", "rpnPostNmsTest", "scoreThreshold", "nmsIou", "maxDetections", "inferenceBatchSize");
    private static final Set<String> MODEL = Set.of(
            "seed",
            "imageSize",
            "batchSize",
            "flip",
            "backbone",
            "backboneChannels",
            "backboneBlocks",
            "anchorSizes",
            "anchorRatios",
            "rpnChannels",
            "roiSize",
            "roiSamplingRatio",
            "fcDim",
            "masks",
            "rpnSamplesPerImage",
            "rpnPositiveFraction",
            "rpnPositiveIou",
            "rpnNegativeIou",
            "rpnMinPositiveIou",
            "rpnPreNmsTrain",
            "rpnPostNmsTrain",
            "rpnNmsIou",
            "roisPerImage",
            "roiPositiveFraction",
            "roiPositiveIou",
            "iterations",
            "learningRate",
            "momentum",
            "weightDecay",
            "warmupIterations",
            "warmupRatio",
            "lrSteps",
            "lrGamma",
            "gradClipNorm");

    @Test
    void everyFieldHasExactlyTheRoleItsStageKeysWereBuiltOn() {
        List<String> all = new ArrayList<>();
        all.addAll(MODEL);
        all.addAll(PLACEMENT);
        all.addAll(RETRAIN);
        all.addAll(INFERENCE);
        assertEquals(all.size(), new HashSet<>(all).size(), "an expected field is listed under two roles");
        assertEquals(
                Set.copyOf(all),
                Set.copyOf(componentNames()),
                "DetectorConfig's fields and the expected roles differ: classify the new field here and in DetectorSettings");

        assertEquals(MODEL, SettingRole.MODEL.fields());
        assertEquals(PLACEMENT, SettingRole.PLACEMENT.fields());
        assertEquals(RETRAIN, SettingRole.RETRAIN.fields());
        assertEquals(INFERENCE, SettingRole.INFERENCE.fields());
    }

    @Test
    void changingAFieldChangesExactlyTheConfigsThatKeepItsRole() {
        DetectorConfig base = DetectorConfig.preset("tiny");
        DetectorConfig other = base.with("nmsIou", 0.3)
                .with("device", "cpu")
                .with("retrainIterations", 7)
                .with("iterations", 123);
        // the runtime fields (placement, retraining, inference) come from the other config, the model stays
        DetectorConfig mixed = base.withRuntimeFrom(other);
        assertEquals(100, mixed.iterations());
        assertEquals(0.3, mixed.nmsIou());
        assertEquals(ComputeDevice.CPU, mixed.device());
        assertEquals(7, mixed.retrainIterations());
        assertEquals(List.of("iterations"), base.differencesAffectingTraining(other));
    }

    private static List<String> componentNames() {
        return Arrays.stream(DetectorConfig.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
    }
}

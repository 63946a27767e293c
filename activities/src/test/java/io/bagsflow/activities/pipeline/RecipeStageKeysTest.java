package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.model.spec.PipelineSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The official-recipe fields must not move stage keys made before they existed. The expected JSON files were
 * written by the code before the recipe fields (commit d8129ab): the TRAIN_BASE key config of the default
 * {@code small} spec, and the fine-tune key config of a {@code tiny} spec.
 */
class RecipeStageKeysTest {

    @Test
    void theBaseKeyOfTheDefaultConfigIsUnchanged() throws IOException {
        PipelineSpec small = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"small\"}}}");
        assertEquals(resource("train-base-small-default.json"), DetectorConfigs.baseKey(DetectorConfigs.base(small)));
        // fine-tune settings, old recipe or new, never retrain the base
        PipelineSpec head = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"small\"}}, "
                + "\"finetune\": {\"trainHead\": true, \"init\": \"from_base\", \"shardSize\": 4}}");
        assertEquals(resource("train-base-small-default.json"), DetectorConfigs.baseKey(DetectorConfigs.base(head)));
    }

    @Test
    void anOldRecipeSpecReproducesTheFineTuneKeyOfBefore() throws IOException {
        PipelineSpec old = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"finetune\": "
                + "{\"init\": \"from_base\", \"schedule\": \"legacy\", \"lossNormalisation\": \"global\"}}");
        assertEquals(
                resource("finetune-tiny-before-recipe.json"),
                DetectorConfigs.retrainKey(DetectorConfigs.finetune(old)));
        // the new defaults are a different fine-tune, with a key of their own naming them
        PipelineSpec official = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}");
        String key = DetectorConfigs.retrainKey(DetectorConfigs.finetune(official));
        assertNotEquals(resource("finetune-tiny-before-recipe.json"), key);
        assertTrue(
                key.contains("\"init\" : \"random\"")
                        && key.contains("\"schedule\" : \"official\"")
                        && key.contains("\"lossNormalisation\" : \"per_shard\""),
                key);
    }

    @Test
    void inferenceKeysDoNotSeeTheRecipe() {
        PipelineSpec old = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"finetune\": "
                + "{\"init\": \"from_base\", \"schedule\": \"legacy\", \"lossNormalisation\": \"global\"}}");
        PipelineSpec official = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}");
        assertEquals(
                DetectorConfigs.inferenceKey(DetectorConfigs.finetune(old)),
                DetectorConfigs.inferenceKey(DetectorConfigs.finetune(official)));
        assertTrue(!DetectorConfigs.inferenceKey(DetectorConfigs.finetune(official))
                .contains("\"init\""));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RecipeStageKeysTest.class.getResourceAsStream("/stage-keys/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        }
    }
}

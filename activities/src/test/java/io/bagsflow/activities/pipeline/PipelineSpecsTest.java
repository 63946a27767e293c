package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.model.spec.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineSpecsTest {

    @Test
    void aYamlSpecWithADatasetAloneGetsEveryDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, "dataset:\n  synth:\n    preset: tiny\n");
        PipelineSpec spec = PipelineSpecs.read(file);
        assertEquals("synth:tiny:7", spec.dataset().label());
        assertEquals(List.of("bags", "control", "crt", "rfs"), spec.kinds());
        assertEquals(DetectorConfig.preset("tiny"), DetectorConfigs.base(spec));
    }

    @Test
    void localPathsAreResolvedAgainstTheSpecFolder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spec.json");
        Path val = Files.writeString(dir.resolve("val.json"), "{}").toAbsolutePath();
        Files.createDirectories(dir.resolve("data/images"));
        Files.writeString(dir.resolve("data/train.json"), "{}");
        Files.writeString(
                file,
                "{\"dataset\": {\"train\": \"data/train.json\", \"val\": \"" + val + "\","
                        + " \"images\": \"data/images\"}}");
        PipelineSpec spec = PipelineSpecs.read(file);
        assertEquals(dir.resolve("data/train.json").toString(), spec.dataset().train());
        assertEquals(val.toString(), spec.dataset().val());
        assertEquals("small", DetectorConfigs.base(spec).preset());
    }

    @Test
    void anUnknownKeyIsNamedWithWhereItIs() {
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"sed\": 7}}}"));
        assertTrue(
                e.getMessage().contains("unknown key \"sed\" at dataset.synth.sed (did you mean seed?)"),
                e.getMessage());
    }

    @Test
    void detectorSettingsMustBeRealFields() {
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse(
                        "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"detector\": {\"learning_rate\": 0.1}}"));
        assertTrue(
                e.getMessage().contains("unknown setting \"learning_rate\" (did you mean learningRate?)"),
                e.getMessage());
        InvalidInputException typo = assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse(
                        "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"detector\": {\"learningRat\": 0.1}}"));
        assertTrue(typo.getMessage().contains("(did you mean learningRate?)"), typo.getMessage());
        InvalidInputException far = assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse(
                        "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"detector\": {\"colour\": 0.1}}"));
        assertTrue(!far.getMessage().contains("did you mean"), "no guess when nothing is close: " + far.getMessage());
        PipelineSpec ok = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}},"
                + " \"detector\": {\"iterations\": 12}, \"finetune\": {\"retrainIterations\": 5}}");
        assertEquals(12, DetectorConfigs.base(ok).iterations());
        assertEquals(5, DetectorConfigs.finetune(ok).retrainIterations());
        assertEquals(
                DetectorConfigs.baseKey(DetectorConfigs.base(ok)),
                DetectorConfigs.baseKey(DetectorConfigs.finetune(ok)),
                "fine-tune settings do not change the base model's key");
    }

    @Test
    void thePapersBaselinesAndTheLvisLikePresetAreAskedForByName() {
        PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"small-lvis\"}},"
                + " \"generations\": [\"bags\", \"reweight_cls\", \"tau_norm\"]}");
        assertEquals(List.of("bags", "reweight_cls", "tau_norm"), spec.kinds());
        assertEquals("synth:small-lvis:7", spec.withDefaults().dataset().label());
        // small-lvis is small's training set: it trains with the small detector
        assertEquals(DetectorConfig.preset("small"), DetectorConfigs.base(spec));
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"lvis\"}}}"));
        assertTrue(e.getMessage().contains("tiny, small, medium, small-lvis"), e.getMessage());
    }

    @Test
    void badFormsOfTheDatasetAreRefused() {
        assertThrows(InvalidInputException.class, () -> PipelineSpecs.parse("{}"));
        assertThrows(InvalidInputException.class, () -> PipelineSpecs.parse("{\"dataset\": {\"train\": \"t.json\"}}"));
        assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"huge\"}}}"));
        assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse(
                        "{\"dataset\": {\"synth\": {}}, \"generations\": [\"bags\", \"focal_loss\"]}"));
        assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse("{\"dataset\": {\"synth\": {}}, \"groups\": {\"bins\": [0, 100, 10]}}"));
    }

    @Test
    void eachKeyChangesWithTheSettingsItsStageReadsAndNoOthers() {
        DetectorConfig tiny = DetectorConfig.preset("tiny");
        DetectorConfig stricter = tiny.with("scoreThreshold", 0.05);
        DetectorConfig longer = tiny.with("retrainIterations", 99);
        DetectorConfig elsewhere = tiny.with("device", "gpu").with("threads", 8);

        assertTrue(!DetectorConfigs.inferenceKey(tiny).equals(DetectorConfigs.inferenceKey(stricter)));
        assertEquals(DetectorConfigs.inferenceKey(tiny), DetectorConfigs.inferenceKey(longer));
        assertEquals(DetectorConfigs.retrainKey(tiny), DetectorConfigs.retrainKey(stricter));
        assertTrue(!DetectorConfigs.retrainKey(tiny).equals(DetectorConfigs.retrainKey(longer)));
        for (DetectorConfig c : List.of(stricter, longer, elsewhere)) {
            assertEquals(DetectorConfigs.baseKey(tiny), DetectorConfigs.baseKey(c));
        }
        assertEquals(DetectorConfigs.inferenceKey(tiny), DetectorConfigs.inferenceKey(elsewhere));
        assertEquals(DetectorConfigs.retrainKey(tiny), DetectorConfigs.retrainKey(elsewhere));
    }

    @Test
    void siblingsPlacementAndTheWidePresetAreSpecSettingsAndTheDefaultLeavesTheSpecJsonAsItWas() {
        PipelineSpec within = PipelineSpecs.parse(
                "{\"dataset\": {\"synth\": {\"preset\": \"wide\", \"siblings\": \"within_group\"}}}");
        assertEquals("within_group", within.dataset().synth().siblings());
        assertEquals(
                "synth:wide:7:within_group", within.withDefaults().dataset().label());
        assertEquals(DetectorConfig.preset("small"), DetectorConfigs.base(within));

        String plain = PipelineSpecs.toJson(PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}")
                .dataset());
        String explicit = PipelineSpecs.toJson(PipelineSpecs.parse(
                        "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"siblings\": \"across_groups\"}}}")
                .dataset());
        assertEquals(plain, explicit);
        assertTrue(!plain.contains("siblings") && !plain.contains("test"), plain);

        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse(
                        "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"siblings\": \"near\"}}}"));
        assertEquals(
                "spec: dataset.synth.siblings: unknown siblings placement \"near\": use across_groups, within_group, "
                        + "random",
                e.getMessage());
    }

    @Test
    void aLocalDatasetMayNameATestFileResolvedLikeTheOthers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spec.json");
        Files.writeString(
                file,
                "{\"dataset\": {\"train\": \"d/train.json\", \"val\": \"d/val.json\", \"test\": \"d/test.json\","
                        + " \"images\": \"d/images\"}}");
        Files.createDirectories(dir.resolve("d/images"));
        for (String name : List.of("train.json", "val.json")) {
            Files.writeString(dir.resolve("d").resolve(name), "{}");
        }
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> PipelineSpecs.read(file));
        assertTrue(
                missing.getMessage().contains("dataset.test: " + dir.resolve("d/test.json") + " does not exist"),
                missing.getMessage());
        Files.writeString(dir.resolve("d/test.json"), "{}");
        PipelineSpec spec = PipelineSpecs.read(file);
        assertEquals(dir.resolve("d/test.json").toString(), spec.dataset().test());
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}, \"test\": \"t.json\"}}"));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsNamedByFileAndKeyInWordsWithoutJavaTypes(@TempDir Path dir) throws Exception {
        Path seed = dir.resolve("seed.yaml");
        Files.writeString(seed, "dataset:\n  synth:\n    preset: tiny\n    seed: seven\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PipelineSpecs.read(seed));
        assertEquals(seed + ": dataset.synth.seed: expected a whole number, got \"seven\"", e.getMessage());

        Path detector = dir.resolve("detector.json");
        Files.writeString(
                detector,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"detector\": {\"iterations\": \"seven\"}}");
        InvalidInputException d = assertThrows(InvalidInputException.class, () -> PipelineSpecs.read(detector));
        assertEquals(detector + ": detector.iterations: expected a whole number, got \"seven\"", d.getMessage());
        assertFalse(d.getMessage().contains("java."), d.getMessage());
    }

    @Test
    void anUnknownFinetuneKeySuggestsOnlyTheRetrainingSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spec.json");
        Files.writeString(
                file, "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"finetune\": {\"retrainIteration\": 5}}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PipelineSpecs.read(file));
        String m = e.getMessage();
        assertTrue(
                m.startsWith(
                        file + ": finetune: unknown setting \"retrainIteration\" (did you mean retrainIterations?)"),
                m);
        assertTrue(m.contains("othersSampleRatio") && m.contains("trainHead"), "lists the retraining settings: " + m);
        // detector fields that fine-tuning does not read are not listed
        assertFalse(m.contains("rpnPreNmsTest") || m.contains("checkpointInterval"), m);
    }

    @Test
    void aYamlSyntaxErrorNamesTheFileOnOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "dataset:\n  synth: {preset: tiny\n  seed: 7\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PipelineSpecs.read(file));
        assertTrue(e.getMessage().startsWith(file + ": invalid YAML"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}

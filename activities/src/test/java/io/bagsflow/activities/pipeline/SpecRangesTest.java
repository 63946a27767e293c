package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.detector.DetectorConfigRanges;
import io.bagsflow.ml.detector.SettingRange;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SpecOverrides;
import io.bagsflow.model.spec.SpecRanges;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every numeric setting of a spec has a range; just outside is refused naming the key, just inside is accepted. */
class SpecRangesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINY = "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}";

    @Test
    void theIssuesExamplesAreRefusedWithKeyValueAndRange() {
        assertRefused(
                "{\"dataset\": {\"synth\": {}}, \"detector\": {\"progressInterval\": 0}}",
                "detector.progressInterval = 0 is out of range: must be a whole number in 1..1000000");
        assertRefused(
                "{\"dataset\": {\"synth\": {}}, \"detector\": {\"iterations\": 0}}",
                "detector.iterations = 0 is out of range: must be a whole number in 1..100000000");
        assertRefused(
                "{\"dataset\": {\"synth\": {}}, \"detector\": {\"checkpointInterval\": 1}}",
                "detector.checkpointInterval = 1 is out of range: must be 0 (off) or a whole number in 20..");
        assertRefused(
                "{\"dataset\": {\"synth\": {}}, \"detector\": {\"maxDetections\": 10001}}",
                "detector.maxDetections = 10001 is out of range: must be a whole number in 1..10000");
        assertRefused(
                "{\"dataset\": {\"synth\": {}}, \"finetune\": {\"retrainLearningRate\": 0}}",
                "finetune.retrainLearningRate = 0 is out of range: must be a finite number > 0");
        assertRefused(
                "{\"dataset\": {\"synth\": {}}, \"timeouts\": {\"max_attempts\": 0}}",
                "timeouts.max_attempts = 0 is out of range: must be a whole number in 1..100");
    }

    @Test
    void everyNumericDetectorFieldHasExactlyOneRange() {
        Set<String> numeric = new TreeSet<>();
        for (RecordComponent c : DetectorConfig.class.getRecordComponents()) {
            Type t = c.getGenericType();
            Type element = t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : t;
            if (element instanceof Class<?> k && Number.class.isAssignableFrom(k)) {
                numeric.add(c.getName());
            }
        }
        assertEquals(numeric, new TreeSet<>(DetectorConfigRanges.RANGES.keySet()));
    }

    @Test
    void eachDetectorRangeRefusesJustOutsideAndAcceptsJustInside() {
        ObjectNode tiny = JSON.valueToTree(DetectorConfig.preset("tiny"));
        for (var e : DetectorConfigRanges.RANGES.entrySet()) {
            String field = e.getKey();
            SettingRange range = e.getValue();
            boolean list = tiny.get(field).isArray();
            String key = "detector." + field + (list ? "[0]" : "");
            double[] edges = range.edges();
            List<Double> outside = new ArrayList<>(List.of(edges[0]));
            if (!range.whole()) {
                outside.add(Double.NaN);
            }
            if (range.max() < SettingRange.UNBOUNDED) {
                outside.add(edges[1]);
            }
            for (double v : outside) {
                String spec = detectorSpec(tiny, field, v, range.whole());
                InvalidInputException ex =
                        assertThrows(InvalidInputException.class, () -> PipelineSpecs.parse(spec), key + " = " + v);
                assertTrue(
                        ex.getMessage().startsWith("spec: " + key + " = ")
                                && ex.getMessage().contains("out of range"),
                        ex.getMessage());
            }
            for (double v : new double[] {edges[2], edges[3]}) {
                PipelineSpecs.parse(detectorSpec(tiny, field, v, range.whole()));
            }
            if (range.zeroMeansOff()) {
                PipelineSpecs.parse(detectorSpec(tiny, field, 0, true));
            }
        }
    }

    @Test
    void eachSpecRangeRefusesJustOutsideAndAcceptsJustInside() throws Exception {
        for (SpecRanges.Range r : SpecRanges.RANGES) {
            String key = r.key().replace("[]", "");
            List<Long> outside = new ArrayList<>(List.of(r.min() - 1));
            if (r.max() < Long.MAX_VALUE) {
                outside.add(r.max() + 1);
            }
            for (long v : outside) {
                InvalidInputException ex = assertThrows(
                        InvalidInputException.class, () -> PipelineSpecs.parse(specWith(r.key(), v)), key + " = " + v);
                assertTrue(ex.getMessage().contains(key), ex.getMessage());
                // and the same number as a retry override: the workflow applies overrides and refuses it too
                PipelineSpec ok = PipelineSpecs.parse(TINY);
                IllegalArgumentException o = assertThrows(
                        IllegalArgumentException.class,
                        () -> SpecOverrides.apply(ok, Map.of(key, overrideValue(r.key(), v))));
                assertTrue(o.getMessage().contains(key), o.getMessage());
            }
            for (long v : new long[] {r.min(), r.max()}) {
                PipelineSpecs.parse(specWith(r.key(), v));
            }
        }
    }

    @Test
    void aRetryOverrideOutsideADetectorRangeIsRefusedNamingTheKey() {
        PipelineSpec spec = PipelineSpecs.parse(TINY);
        PipelineSpec overridden = SpecOverrides.apply(spec, Map.of("detector.progressInterval", "0"));
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> PipelineSpecs.check(overridden, "--set"));
        assertTrue(e.getMessage().startsWith("--set: detector.progressInterval = 0 is out of range"), e.getMessage());
        PipelineSpec nan = SpecOverrides.apply(spec, Map.of("detector.learningRate", "NaN"));
        e = assertThrows(InvalidInputException.class, () -> PipelineSpecs.check(nan, "--set"));
        assertTrue(e.getMessage().startsWith("--set: detector.learningRate = NaN is out of range"), e.getMessage());
    }

    @Test
    void missingLocalDatasetPathsAreRefusedNamingFileKeyAndPath(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("train.json"), "{}");
        Files.createDirectories(dir.resolve("images"));
        Path file = dir.resolve("spec.json");
        Files.writeString(
                file, "{\"dataset\": {\"train\": \"train.json\", \"val\": \"val.json\"," + " \"images\": \"images\"}}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PipelineSpecs.read(file));
        assertEquals(
                file + ": dataset.val: " + dir.resolve("val.json") + " does not exist (relative paths are "
                        + "relative to the spec file's folder)",
                e.getMessage());
        Files.writeString(dir.resolve("val.json"), "{}");
        assertEquals(
                dir.resolve("val.json").toString(),
                PipelineSpecs.read(file).dataset().val());
    }

    private static void assertRefused(String spec, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PipelineSpecs.parse(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static String detectorSpec(ObjectNode tiny, String field, double v, boolean whole) {
        ObjectNode root = spec(TINY);
        ObjectNode detector = root.putObject("detector");
        if (tiny.get(field).isArray()) {
            ArrayNode list = tiny.get(field).deepCopy();
            list.set(0, number(v, whole));
            detector.set(field, list);
        } else {
            detector.set(field, number(v, whole));
        }
        return root.toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode number(double v, boolean whole) {
        if (Double.isNaN(v)) {
            // JSON has no NaN; the string is what a --set override or YAML's .nan gives Jackson
            return JSON.getNodeFactory().textNode("NaN");
        }
        return whole
                ? JSON.getNodeFactory().numberNode((long) v)
                : JSON.getNodeFactory().numberNode(v);
    }

    private static String specWith(String dottedKey, long v) throws Exception {
        ObjectNode root = spec(TINY);
        String[] parts = dottedKey.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (last.endsWith("[]")) {
            node.set(last.replace("[]", ""), JSON.readTree(overrideValue(dottedKey, v)));
        } else {
            node.put(last, v);
        }
        return root.toString();
    }

    /** A list setting (groups.bins) gets a list that starts at 0 like every valid one. */
    private static String overrideValue(String dottedKey, long v) {
        return dottedKey.endsWith("[]") ? (v > 0 ? "[0, " + v + "]" : "[" + v + "]") : Long.toString(v);
    }

    private static ObjectNode spec(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

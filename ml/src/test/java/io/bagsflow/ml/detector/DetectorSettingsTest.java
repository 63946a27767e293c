package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each {@link DetectorConfig} setting is defined once, in {@link DetectorSettings}: one entry per component, the
 * defaults the config had before, the choices as enums that JSON spells as before, and the docs' table generated
 * from the entries.
 */
class DetectorSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The defaults as DetectorConfig's constructor wrote them before the settings were defined once: the pin. */
    private static final String OLD_DEFAULTS = """
            {"preset": "small", "device": "auto", "threads": 0, "seed": 42, "imageSize": 96, "batchSize": 8,
             "flip": true, "backbone": "simple", "backboneChannels": [32, 64, 128], "backboneBlocks": [2, 2, 2],
             "anchorSizes": [0.14, 0.2, 0.28, 0.4], "anchorRatios": [0.7, 1.0, 1.4], "rpnChannels": 128,
             "roiSize": 5, "roiSamplingRatio": 2, "fcDim": 256, "masks": false, "rpnSamplesPerImage": 64,
             "rpnPositiveFraction": 0.5, "rpnPositiveIou": 0.7, "rpnNegativeIou": 0.3, "rpnMinPositiveIou": 0.3,
             "rpnPreNmsTrain": 400, "rpnPostNmsTrain": 128, "rpnPreNmsTest": 400, "rpnPostNmsTest": 50,
             "rpnNmsIou": 0.7, "roisPerImage": 32, "roiPositiveFraction": 0.25, "roiPositiveIou": 0.5,
             "iterations": 3000, "learningRate": 0.02, "momentum": 0.9, "weightDecay": 1e-4,
             "warmupIterations": 100, "warmupRatio": 0.3333333333333333, "lrSteps": [0.75, 0.92], "lrGamma": 0.1,
             "gradClipNorm": 35.0, "checkpointInterval": 500, "progressInterval": 20, "maxNonFiniteSteps": 20,
             "retrainIterations": 600, "retrainLearningRate": 0.02, "retrainImagesPerBatch": 16,
             "retrainFromCache": true, "cacheVariants": 1, "cacheNegatives": 64, "retrainFlip": true,
             "othersSampleRatio": 8.0, "rfsThreshold": 0.001, "init": "random", "schedule": "official",
             "lossNormalisation": "per_shard", "shardSize": 2, "trainHead": false, "groupLossWeights": "none",
             "scoreThreshold": 0.0, "nmsIou": 0.5, "maxDetections": 300, "inferenceBatchSize": 8}
            """;

    /** The choices and their spellings before they were enums: specs, keys and checkpoints hold these strings. */
    private static final String OLD_CHOICES = """
            {"device": ["auto", "cpu", "gpu"], "backbone": ["simple", "resnet"], "init": ["random", "from_base"],
             "schedule": ["official", "legacy"], "lossNormalisation": ["per_shard", "global"],
             "groupLossWeights": ["none", "inverse_count"]}
            """;

    private static final Path SPEC_DOC = Path.of("../docs/spec.md");
    private static final String BEGIN = "<!-- detector-settings:begin";
    private static final String END = "<!-- detector-settings:end -->";

    @Test
    void everyComponentHasExactlyOneSettingInTheRecordsOrder() {
        List<String> components = Arrays.stream(DetectorConfig.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
        List<String> settings =
                DetectorSettings.ALL.stream().map(DetectorSetting::name).toList();
        assertEquals(components, settings);
        assertEquals(settings.size(), DetectorSettings.BY_NAME.size());
    }

    @Test
    void eachSettingHasTheKindOfDefinitionItsComponentsTypeNeeds() {
        for (RecordComponent c : DetectorConfig.class.getRecordComponents()) {
            DetectorSetting<?> s = DetectorSettings.BY_NAME.get(c.getName());
            assertTrue(c.getType().isInstance(s.defaultValue()), c.getName() + ": default of another type");
            Type t = c.getGenericType();
            Type element = t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : t;
            boolean numeric = element instanceof Class<?> k && Number.class.isAssignableFrom(k);
            assertEquals(numeric, s.range() != null, c.getName() + ": a number has a range, nothing else has");
            if (c.getType().isEnum()) {
                assertEquals(c.getType(), s.choices(), c.getName());
            } else {
                assertNull(s.choices(), c.getName());
            }
            assertFalse(s.meaning().isBlank(), c.getName() + ": no meaning");
            assertNotNull(s.unit(), c.getName());
        }
    }

    @Test
    void theConstructorTakesEachComponentsDefaultFromItsOwnSetting() throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/bagsflow/ml/detector/DetectorConfig.java"));
        Matcher m = Pattern.compile("(\\w+) = DetectorSettings\\.(\\w+)\\.or\\((\\w+)\\);")
                .matcher(source);
        List<String> assigned = new ArrayList<>();
        while (m.find()) {
            assertEquals(m.group(1), m.group(3), m.group());
            String constant = m.group(1).replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT);
            assertEquals(constant, m.group(2), "the default of " + m.group(1) + " comes from another setting");
            assigned.add(m.group(1));
        }
        assertEquals(
                DetectorSettings.ALL.stream().map(DetectorSetting::name).toList(),
                assigned,
                "one default line per component, in order");
    }

    @Test
    void theDefaultsAreTheOnesTheConstructorHadBefore() throws IOException {
        JsonNode old = JSON.readTree(OLD_DEFAULTS);
        assertEquals(old, JSON.readTree(DetectorConfig.defaults().toJson()));
        for (DetectorSetting<?> s : DetectorSettings.ALL) {
            assertEquals(old.get(s.name()), JSON.readTree(JSON.writeValueAsString(s.defaultValue())), s.name());
        }
        // a field set to null in JSON takes its default, as before
        assertEquals(DetectorConfig.defaults(), DetectorConfig.fromJson("{\"init\": null, \"iterations\": null}"));
    }

    @Test
    void choicesAreReadAndWrittenWithTheirOldSpellings() throws IOException {
        JsonNode old = JSON.readTree(OLD_CHOICES);
        List<String> choiceSettings = new ArrayList<>();
        for (DetectorSetting<?> s : DetectorSettings.ALL) {
            if (s.choices() == null) {
                continue;
            }
            choiceSettings.add(s.name());
            List<String> spellings = new ArrayList<>();
            old.get(s.name()).forEach(v -> spellings.add(v.asText()));
            assertEquals(spellings, s.choiceValues(), s.name());
            for (String v : spellings) {
                DetectorConfig c = DetectorConfig.defaults().with(s.name(), v);
                assertEquals(v, JSON.readTree(c.toJson()).get(s.name()).asText(), s.name());
                assertEquals(c, DetectorConfig.fromJson(c.toJson()));
            }
        }
        List<String> expected = new ArrayList<>();
        old.fieldNames().forEachRemaining(expected::add);
        assertEquals(expected, choiceSettings);
    }

    @Test
    void anUnknownChoiceIsRefusedNamingTheSettingAndItsValues() {
        for (DetectorSetting<?> s : DetectorSettings.ALL) {
            if (s.choices() == null) {
                continue;
            }
            String line = s.name() + " = \"bogus\": must be one of " + String.join(", ", s.choiceValues());
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> DetectorConfig.defaults().with(s.name(), "bogus"));
            assertTrue(e.getMessage().contains(line), e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class, () -> DetectorConfig.fromJson("{\"" + s.name() + "\": \"bogus\"}"));
            assertTrue(e.getMessage().contains(line), e.getMessage());
        }
        // the spelling is exact: the constant's name is not a value
        assertThrows(
                IllegalArgumentException.class, () -> DetectorConfig.defaults().with("init", "FROM_BASE"));
    }

    @Test
    void theDocsTableOfSettingsIsTheGeneratedOne() throws IOException {
        String doc = Files.readString(SPEC_DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, SPEC_DOC + ": no " + BEGIN + " ... " + END + " block");
        int tableStart = doc.indexOf('\n', begin) + 1;
        String generated = DetectorSettings.markdownTable();
        String updated = doc.substring(0, tableStart) + generated + doc.substring(end);
        if (!updated.equals(doc) && Boolean.getBoolean("bagsflow.updateDocs")) {
            Files.writeString(SPEC_DOC, updated);
            doc = updated;
        }
        assertEquals(
                generated,
                doc.substring(tableStart, doc.indexOf(END)),
                SPEC_DOC + ": the table of detector settings differs from DetectorSettings; rewrite it by running "
                        + "this test with -Dbagsflow.updateDocs=true");
    }
}

package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A stage key names the work, not the run: what changes the outputs changes the key, nothing else does. */
class StageKeyTest {

    private static final String CONFIG = "{\"iterations\":300,\"learningRate\":0.02}";

    private static Map<String, String> inputs(String... nameHashPairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameHashPairs.length; i += 2) {
            m.put(nameHashPairs[i], nameHashPairs[i + 1]);
        }
        return m;
    }

    private static final Map<String, String> TRAIN_VAL = inputs("train", "a1".repeat(32), "val", "b2".repeat(32));

    @Test
    void theSameWorkOnTheSameInputsHasTheSameKeyWhateverTheOrderOfTheInputs() {
        String key = StageKey.of("TRAIN_BASE", "", CONFIG, TRAIN_VAL);
        assertEquals(
                key, StageKey.of("TRAIN_BASE", "", CONFIG, inputs("val", "b2".repeat(32), "train", "a1".repeat(32))));
        assertEquals(key, StageKey.of("TRAIN_BASE", "", CONFIG, Map.copyOf(TRAIN_VAL)));
    }

    @Test
    void aKeyIsAHexSha256() {
        assertTrue(StageKey.of("PREPARE", "", "{}", Map.of()).matches("[0-9a-f]{64}"));
    }

    @Test
    void anyChangeOfStagePartConfigOrAnInputGivesAnotherKey() {
        List<String> keys = List.of(
                StageKey.of("TRAIN_BASE", "", CONFIG, TRAIN_VAL),
                StageKey.of("FINETUNE_BAGS", "", CONFIG, TRAIN_VAL),
                StageKey.of("TRAIN_BASE", "bags", CONFIG, TRAIN_VAL),
                StageKey.of("TRAIN_BASE", "", "{\"iterations\":301,\"learningRate\":0.02}", TRAIN_VAL),
                StageKey.of("TRAIN_BASE", "", CONFIG, inputs("train", "a1".repeat(32), "val", "c3".repeat(32))),
                // the same hashes under other names are other inputs
                StageKey.of("TRAIN_BASE", "", CONFIG, inputs("train", "b2".repeat(32), "val", "a1".repeat(32))),
                StageKey.of("TRAIN_BASE", "", CONFIG, inputs("train", "a1".repeat(32))),
                StageKey.of(
                        "TRAIN_BASE",
                        "",
                        CONFIG,
                        inputs("train", "a1".repeat(32), "val", "b2".repeat(32), "images", "d4".repeat(32))));
        assertEquals(keys.size(), Set.copyOf(keys).size(), "every variant has a key of its own: " + keys);
    }
}

package io.bagsflow.ml.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.BadInputException;
import io.bagsflow.ml.io.JsonMappers;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The range of every numeric field of {@link DetectorConfig}: a view of the ranges in {@link DetectorSettings},
 * where each is defined with its setting. For a list field the range applies to each element. A spec or a retry
 * override outside a range is refused before any work starts, instead of dividing by zero, training nothing, or
 * writing a checkpoint every step.
 */
public final class DetectorConfigRanges {

    private static final ObjectMapper JSON = JsonMappers.strict();

    /** Field name to range; the order of {@link DetectorConfig}. */
    public static final Map<String, SettingRange> RANGES = table();

    private DetectorConfigRanges() {}

    private static Map<String, SettingRange> table() {
        Map<String, SettingRange> r = new LinkedHashMap<>();
        for (DetectorSetting<?> s : DetectorSettings.ALL) {
            if (s.range() != null) {
                r.put(s.name(), s.range());
            }
        }
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

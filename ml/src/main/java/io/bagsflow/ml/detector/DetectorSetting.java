package io.bagsflow.ml.detector;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One setting of {@link DetectorConfig}, defined once in {@link DetectorSettings}: its JSON name, the stage keys it
 * enters, its default, the values it may take (a numeric range, or the constants of a {@link SettingChoice} enum)
 * and what it means. The record's constructor takes its defaults from here, {@link DetectorConfigRanges} its ranges,
 * and docs/spec.md its table of settings.
 *
 * @param name         the record component and JSON key
 * @param role         which stage keys it enters
 * @param defaultValue the value of a config that does not name it (the {@code small} preset)
 * @param range        for a number or a list of numbers (each element), the values it may take from a spec; else
 *                     null
 * @param choices      for a choice, its enum; else null
 * @param unit         what the number counts ({@code steps}, {@code images}), or "" when it is a ratio or needs none
 * @param meaning      one paragraph, in markdown (it becomes a cell of the docs' table)
 */
public record DetectorSetting<T>(
        String name,
        SettingRole role,
        T defaultValue,
        SettingRange range,
        Class<? extends SettingChoice> choices,
        String unit,
        String meaning) {

    public DetectorSetting {
        if (defaultValue == null) {
            throw new IllegalArgumentException(name + ": every setting has a default");
        }
        if (range != null && choices != null) {
            throw new IllegalArgumentException(name + ": a setting has a range or choices, not both");
        }
    }

    /** {@code value}, or the default when it is absent (null). */
    public T or(T value) {
        return value != null ? value : defaultValue;
    }

    /** The values a choice may take, as JSON spells them; empty for any other setting. */
    public List<String> choiceValues() {
        return choices == null ? List.of() : SettingChoice.values(choices);
    }

    /** The values it may take, in words: {@code a whole number in 1..1024}, {@code `simple` or `resnet`}. */
    public String allowed() {
        if (range != null) {
            String words = range.describe().replaceFirst("^must be ", "");
            return defaultValue instanceof List<?> ? "each " + words : words;
        }
        if (choices != null) {
            List<String> quoted =
                    choiceValues().stream().map(v -> "`" + v + "`").toList();
            return quoted.size() == 2 ? quoted.get(0) + " or " + quoted.get(1) : "one of " + String.join(", ", quoted);
        }
        return defaultValue instanceof Boolean ? "`true` or `false`" : "a text";
    }

    /** The default as JSON writes it ({@code 0.0001}, {@code "random"}, {@code [32, 64, 128]}). */
    public String defaultJson() {
        return json(defaultValue);
    }

    static String json(Object v) {
        if (v instanceof Number n) {
            return SettingRange.format(n.doubleValue());
        }
        if (v instanceof List<?> list) {
            return list.stream().map(DetectorSetting::json).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof SettingChoice c) {
            return "\"" + c.wire() + "\"";
        }
        if (v instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(v);
    }
}

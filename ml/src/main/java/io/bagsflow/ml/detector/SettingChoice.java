package io.bagsflow.ml.detector;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A choice setting of {@link DetectorConfig} as an enum: JSON reads and writes each constant as its name in lower
 * case ({@code FROM_BASE} is {@code "from_base"}), the strings specs, stage keys and checkpoints have always held.
 * Each enum adds a {@code @JsonCreator} that calls {@link #parse}, so an unknown value is refused in one line naming
 * the setting and the allowed values.
 */
public interface SettingChoice {

    /** The JSON spelling. */
    @JsonValue
    default String wire() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
    }

    /** The spellings of {@code type}'s constants, in declaration order. */
    static List<String> values(Class<? extends SettingChoice> type) {
        return Arrays.stream(type.getEnumConstants()).map(SettingChoice::wire).toList();
    }

    /**
     * The constant of {@code type} spelled {@code value}; else {@code init = "x": must be one of random, from_base},
     * naming the setting that has this type in {@link DetectorSettings}.
     */
    static <E extends Enum<E> & SettingChoice> E parse(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.wire().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(DetectorSettings.fieldOfChoice(type) + " = \"" + value
                + "\": must be one of " + String.join(", ", values(type)));
    }
}

package io.bagsflow.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The stages of the pipeline, in the order they run: the one definition of that order. */
public enum Stage {
    PREPARE,
    TRAIN_BASE,
    FINETUNE_BAGS,
    EVALUATE;

    /** Parses a stage name, case-insensitive; the error lists the valid names. */
    public static Stage parse(String name) {
        for (Stage s : values()) {
            if (s.name().equalsIgnoreCase(name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + name + "': use one of "
                + Arrays.stream(values()).map(Stage::name).collect(Collectors.joining(", ")));
    }
}

package io.bagsflow.ml.synth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a class's look-alikes (the other members of its family) fall among the BAGS groups, which follow training
 * counts: the benchmark's difficulty depends on it, since BAGS only separates classes that share a group's softmax.
 * The role mix (40% rare, 36% common, 24% frequent) is the same under every placement; only who gets which changes.
 */
public enum SiblingPlacement {
    /**
     * Each family mixes roles ({@code c r f r c} or {@code r f c f r}), so every rare class sits next to a more frequent
     * look-alike in another group: the original benchmark, and the default.
     */
    ACROSS_GROUPS,
    /** Families are filled with one role each (as far as the role counts allow), so look-alikes share a group. */
    WITHIN_GROUP,
    /** The same roles dealt to classes at random, ignoring families. */
    RANDOM;

    /** across_groups, within_group or random. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(SiblingPlacement::label).toList();
    }

    /** The placement named {@code name}; null or blank gives the default, {@link #ACROSS_GROUPS}. */
    public static SiblingPlacement parse(String name) {
        if (name == null || name.isBlank()) {
            return ACROSS_GROUPS;
        }
        for (SiblingPlacement p : values()) {
            if (p.label().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown siblings placement \"" + name + "\": use " + String.join(", ", labels()));
    }
}

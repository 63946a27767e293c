package io.bagsflow.model.spec;

import java.util.List;
import java.util.function.Function;

/**
 * The range of every numeric setting of the spec outside {@code detector} and {@code finetune} (those are the
 * detector's fields, ranged in {@code DetectorConfigRanges} of the ml module). Checked when a spec is read and
 * when a retry overrides it, so a bad number is refused with its key instead of failing a stage later.
 */
public final class SpecRanges {

    /**
     * One whole-number setting: its dotted key ({@code []} for each element of a list), bounds, and how to read it
     * from a spec with defaults.
     */
    public record Range(String key, long min, long max, Function<PipelineSpec, List<? extends Number>> values) {

        public String describe() {
            return max == Long.MAX_VALUE
                    ? "must be a whole number >= " + min
                    : "must be a whole number in " + min + ".." + max;
        }

        boolean contains(Number n) {
            return n != null && n.longValue() >= min && n.longValue() <= max;
        }
    }

    public static final List<Range> RANGES = List.of(
            new Range(
                    "dataset.synth.seed",
                    0,
                    Long.MAX_VALUE,
                    s -> s.dataset().synth() == null
                            ? List.of()
                            : List.of(s.dataset().synth().seed())),
            new Range("groups.bins[]", 0, 1_000_000_000L, s -> s.groups().bins()),
            // below 2 s one garbage-collection pause or slow checkpoint upload looks like a lost worker
            new Range(
                    "timeouts.heartbeat_seconds",
                    2,
                    86_400,
                    s -> List.of(s.timeouts().heartbeatSeconds())),
            new Range("timeouts.stage_hours", 1, 720, s -> List.of(s.timeouts().stageHours())),
            new Range("timeouts.max_attempts", 1, 100, s -> List.of(s.timeouts().maxAttempts())));

    private SpecRanges() {}

    /**
     * Throws an {@link IllegalArgumentException} naming the first setting of {@code spec} (with defaults filled
     * in) outside its range, its value and the range.
     */
    public static void check(PipelineSpec spec) {
        for (Range r : RANGES) {
            List<? extends Number> values = r.values().apply(spec);
            for (int i = 0; i < values.size(); i++) {
                if (!r.contains(values.get(i))) {
                    String key = r.key().endsWith("[]") ? r.key().replace("[]", "[" + i + "]") : r.key();
                    throw new IllegalArgumentException(
                            key + " = " + values.get(i) + " is out of range: " + r.describe());
                }
            }
        }
    }
}

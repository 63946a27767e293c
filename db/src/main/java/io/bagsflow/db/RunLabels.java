package io.bagsflow.db;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a user attached to a run to find it again: a name, a note, tags (key to value, sorted by key), and the reason
 * given when the run was aborted. Every field but {@code tags} may be null.
 */
public record RunLabels(String name, String note, Map<String, String> tags, String abortReason) {

    public static final RunLabels NONE = new RunLabels(null, null, Map.of(), null);

    public RunLabels {
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
    }
}

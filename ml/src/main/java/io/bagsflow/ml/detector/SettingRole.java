package io.bagsflow.ml.detector;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a {@link DetectorConfig} setting changes, which decides the stage keys it enters (trained models are found
 * again through those keys). Each setting's role is part of its definition in {@link DetectorSettings};
 * {@link #MODEL} is the safe choice for a new one: it enters every key, so changing it retrains rather than reusing a
 * model that was made without it.
 */
public enum SettingRole {

    /** The model and its base training: enters every key. */
    MODEL,
    /** Where and how visibly a run goes (and when it gives up), never what it computes: enters no key. */
    PLACEMENT,
    /** Read only by classifier-only retraining: enters fine-tune keys, not the base key. */
    RETRAIN,
    /** Read only by inference: enters inference keys only. */
    INFERENCE;

    /** The names of the {@link DetectorConfig} fields with this role. */
    public Set<String> fields() {
        Set<String> names = new LinkedHashSet<>();
        for (DetectorSetting<?> s : DetectorSettings.ALL) {
            if (s.role() == this) {
                names.add(s.name());
            }
        }
        return Set.copyOf(names);
    }
}

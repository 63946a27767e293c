package io.bagsflow.ml.detector;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a {@link DetectorConfig} setting changes, which decides the stage keys it enters (trained models are found
 * again through those keys). A record component declares its role with {@link Role}; one without is
 * {@link #MODEL}, the safe default: a setting nobody classified enters every key, so changing it retrains rather
 * than reusing a model that was made without it.
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

    /** The names of the {@link DetectorConfig} fields with this role, in declaration order. */
    public Set<String> fields() {
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent c : DetectorConfig.class.getRecordComponents()) {
            if (of(c) == this) {
                names.add(c.getName());
            }
        }
        return Set.copyOf(names);
    }

    /** The role a record component declares, {@link #MODEL} when it declares none. */
    public static SettingRole of(RecordComponent component) {
        Role role = component.getAnnotation(Role.class);
        return role == null ? MODEL : role.value();
    }
}

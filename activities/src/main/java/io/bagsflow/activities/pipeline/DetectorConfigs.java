package io.bagsflow.activities.pipeline;

import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.detector.DetectorConfigRanges;
import io.bagsflow.ml.detector.SettingRole;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.model.Causes;
import io.bagsflow.model.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The detector configuration a spec asks for: the preset named by {@code detector.preset} (else the synthetic
 * dataset's detector preset, else {@code small}) with the other {@code detector} keys as field overrides;
 * fine-tuning adds the {@code finetune} keys on top. Unknown keys or wrong types are bad input.
 */
public final class DetectorConfigs {

    private DetectorConfigs() {}

    public static DetectorConfig base(PipelineSpec spec) {
        Map<String, Object> overrides = new TreeMap<>(spec.detector());
        Object preset = overrides.remove("preset");
        String name = preset != null
                ? preset.toString()
                : spec.dataset().isSynthetic()
                        ? detectorPresetOf(spec.dataset().synth().preset())
                        : "small";
        DetectorConfig config;
        try {
            config = DetectorConfig.preset(name).with(overrides);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(explain("detector", e, null));
        }
        return inRange(config, spec);
    }

    /** The detector preset a synthetic preset trains with ({@code small-lvis} shares {@code small}'s). */
    private static String detectorPresetOf(String syntheticPreset) {
        try {
            return SyntheticPreset.parse(syntheticPreset).detectorPreset();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("spec \"dataset.synth.preset\": " + e.getMessage());
        }
    }

    public static DetectorConfig finetune(PipelineSpec spec) {
        DetectorConfig config;
        try {
            config = base(spec).with(spec.finetune());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(explain("finetune", e, SettingRole.RETRAIN.fields()));
        }
        return inRange(config, spec);
    }

    /**
     * The config if every field is in its range (see {@code DetectorConfigRanges}); else bad input naming the spec
     * key ({@code finetune.x} when the finetune section set it, else {@code detector.x}), the value and the range.
     */
    private static DetectorConfig inRange(DetectorConfig config, PipelineSpec spec) {
        try {
            return config.checkRanges();
        } catch (DetectorConfigRanges.OutOfRangeException e) {
            String section = spec.finetune().containsKey(e.field()) ? "finetune." : "detector.";
            throw new InvalidInputException(section + e.getMessage());
        }
    }

    /**
     * One line naming the section's key: the unknown setting and the settings that fit the section
     * ({@code relevant}; all of them when null), or the bad value in words.
     */
    private static String explain(String section, IllegalArgumentException e, Set<String> relevant) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
                Collection<Object> known = u.getKnownPropertyIds();
                String listed = relevant == null
                        ? "settings are the fields of the detector configuration: "
                                + new TreeSet<>(
                                        known.stream().map(Object::toString).toList())
                        : "its settings: " + new TreeSet<>(relevant)
                                + " (any detector setting may also be changed here)";
                return section + ": unknown setting \"" + u.getPropertyName() + "\""
                        + KeySuggestion.didYouMean(
                                u.getPropertyName(), relevant == null ? known : unionFirst(relevant, known))
                        + "; " + listed;
            }
            if (t instanceof com.fasterxml.jackson.databind.JsonMappingException m && t != e) {
                String expected = JsonErrors.expected(m);
                String key = JsonErrors.path(m);
                return expected == null
                        ? section + ": " + m.getOriginalMessage()
                        : section + (key.isEmpty() ? "" : "." + key) + ": " + expected;
            }
        }
        return section + ": " + e.getMessage();
    }

    /** The relevant keys, then the others: a typo is matched to a relevant key first. */
    private static List<Object> unionFirst(Set<String> relevant, Collection<Object> all) {
        List<Object> out = new ArrayList<>(new TreeSet<>(relevant));
        all.stream().filter(k -> !relevant.contains(k.toString())).forEach(out::add);
        return out;
    }

    /**
     * The base-training configuration as it enters TRAIN_BASE's key: runtime, retraining and inference fields set to
     * their defaults, so neither moving the stage to a GPU worker nor changing fine-tune settings retrains the base.
     * The retraining fields of the official recipe are left out, so base models trained before they existed are
     * still found.
     */
    public static String baseKey(DetectorConfig config) {
        return config.withRuntimeFrom(DetectorConfig.defaults())
                .withPreRecipeFields()
                .toKeyJson();
    }

    /**
     * The configuration as it enters a fine-tune key: the model and its retraining, not where it runs and not the
     * inference settings (they do not change the retrained weights).
     */
    public static String retrainKey(DetectorConfig config) {
        DetectorConfig d = DetectorConfig.defaults();
        return config.withPlacementFrom(d).withInferenceFrom(d).toKeyJson();
    }

    /**
     * The configuration as it enters an inference key: every setting inference reads (RPN and post-processing), not
     * where it runs and not the retraining settings (the checkpoint already holds what retraining made).
     */
    public static String inferenceKey(DetectorConfig config) {
        DetectorConfig d = DetectorConfig.defaults();
        return config.withPlacementFrom(d)
                .withRetrainFrom(d)
                .withPreRecipeFields()
                .toKeyJson();
    }
}

package io.bagsflow.model.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.bagsflow.model.ModelKind;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a run does. Every field has a default, so a dataset alone is a valid spec:
 * {@code {"dataset": {"synth": {"preset": "tiny", "seed": 7}}}}.
 *
 * @param detector    detector and base-training settings (a preset name and field overrides), checked by the
 *                    workers against the detector's configuration
 * @param finetune    settings of the classifier-only retraining of generation 1
 * @param kinds       which generation-1 models to train, by kind (spec key {@code generations}, as users write it):
 *                    {@code bags} and the baselines {@code control}, {@code crt}, {@code rfs} (the default four),
 *                    and any other of {@link #KNOWN_KINDS} (the README's methods table says what each is)
 * @param reuse       reuse a finished stage with the same key instead of recomputing it
 * @param notifications a webhook (spec key {@code notify}) told when the run ends or waits for a retry (null: the worker's default, if any)
 */
public record PipelineSpec(
        DatasetSpec dataset,
        GroupsSpec groups,
        Map<String, Object> detector,
        Map<String, Object> finetune,
        @JsonProperty("generations") List<String> kinds,
        TimeoutsSpec timeouts,
        Boolean reuse,
        @JsonProperty("notify") NotifySpec notifications) {

    /** The generations a spec without {@code generations} gets: BAGS and the three classifier-only controls. */
    public static final List<String> DEFAULT_KINDS = Stream.of(
                    ModelKind.BAGS, ModelKind.CONTROL, ModelKind.CRT, ModelKind.RFS)
            .map(ModelKind::kind)
            .toList();
    /** Every kind a spec may ask for: {@link ModelKind}'s wire names, in its order. */
    public static final List<String> KNOWN_KINDS = ModelKind.kinds();

    /** The spec with every default filled in (deterministic: also used inside workflow code). */
    public PipelineSpec withDefaults() {
        if (dataset == null) {
            throw new IllegalArgumentException("the spec needs a \"dataset\": {\"synth\": {\"preset\": \"tiny\"}} "
                    + "or {\"train\": ..., \"val\": ..., \"images\": ...}");
        }
        return new PipelineSpec(
                dataset.withDefaults(),
                (groups == null ? new GroupsSpec(null) : groups).withDefaults(),
                detector == null ? Map.of() : new TreeMap<>(detector),
                finetune == null ? Map.of() : new TreeMap<>(finetune),
                kinds == null ? DEFAULT_KINDS : List.copyOf(kinds),
                (timeouts == null ? new TimeoutsSpec(null, null, null) : timeouts).withDefaults(),
                reuse == null ? Boolean.TRUE : reuse,
                notifications);
    }

    public boolean reuseEnabled() {
        return reuse == null || reuse;
    }
}

package io.bagsflow.model.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code key=value} overrides to a spec: the key is a dotted path ({@code detector.learningRate},
 * {@code dataset.val}), the value JSON ({@code 0.01}, {@code [0,5,50]}) or, if it does not parse as JSON, a string.
 * Pure and deterministic, so the workflow can apply the overrides of a {@code retryStage} signal itself. A value
 * outside its {@link SpecRanges range} is an {@link IllegalArgumentException} naming the key.
 */
public final class SpecOverrides {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SpecOverrides() {}

    public static PipelineSpec apply(PipelineSpec spec, Map<String, String> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return spec;
        }
        ObjectNode root = JSON.valueToTree(spec);
        // sorted, so the result never depends on map iteration order
        for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
            set(root, e.getKey(), parseValue(e.getValue()));
        }
        PipelineSpec result;
        try {
            result = JSON.treeToValue(root, PipelineSpec.class).withDefaults();
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("override does not fit the spec: " + ex.getOriginalMessage(), ex);
        }
        SpecRanges.check(result);
        return result;
    }

    private static void set(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                throw new IllegalArgumentException("bad override key '" + path + "'");
            }
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!child.isObject()) {
                throw new IllegalArgumentException("override '" + path + "': " + parts[i] + " is not an object");
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }

    private static JsonNode parseValue(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(raw);
        }
    }
}

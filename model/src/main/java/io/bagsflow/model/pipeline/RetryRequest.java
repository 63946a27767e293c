package io.bagsflow.model.pipeline;

import java.util.Map;

/**
 * The {@code retryStage} signal: retry the failed stage, with spec overrides as dotted paths and JSON values,
 * such as {@code detector.learningRate=0.01} or {@code dataset.val="/data/val-fixed.json"}.
 */
public record RetryRequest(Map<String, String> overrides) {

    public static RetryRequest plain() {
        return new RetryRequest(Map.of());
    }
}

package io.bagsflow.model.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The training curve of a model, stored as the JSON artifact {@link ArtifactNames#curve(String)}: written by the
 * training activities and read by the run report, both through this type.
 *
 * @param kind            the model's kind (base, bags, ...)
 * @param skippedSteps    steps skipped because their loss or gradient was not finite
 * @param imagesPerSecond training throughput
 * @param points          the loss at the recorded iterations, in order
 */
public record TrainingCurve(
        String kind,
        @JsonProperty("skipped_steps") int skippedSteps,
        @JsonProperty("images_per_second") double imagesPerSecond,
        List<Point> points) {

    /** The losses at one iteration, by name, and their sum. */
    public record Point(int iteration, Map<String, Double> losses, double total) {}
}

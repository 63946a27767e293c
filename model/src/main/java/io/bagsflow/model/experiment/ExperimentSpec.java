package io.bagsflow.model.experiment;

import io.bagsflow.model.spec.PipelineSpec;
import java.util.List;
import java.util.Map;

/**
 * A grid of pipeline runs: {@code {"base": <pipeline spec>, "grid": {"finetune.othersSampleRatio": [0, 8]},
 * "seeds": [31, 32], "parallelism": 2}}. The cells are the cartesian product of the grid values and the seeds.
 *
 * @param grid        dotted spec key (as {@code stage retry --set}) to the values it takes, in the order given
 * @param seeds       each sets {@code detector.seed} and, for a synthetic dataset, the dataset seed; none: one cell
 *                    per grid point with the base spec's seeds
 * @param parallelism how many cells run at a time; null: all
 */
public record ExperimentSpec(PipelineSpec base, Map<String, List<Object>> grid, List<Long> seeds, Integer parallelism) {

    public Map<String, List<Object>> gridOrEmpty() {
        return grid == null ? Map.of() : grid;
    }

    public List<Long> seedsOrEmpty() {
        return seeds == null ? List.of() : seeds;
    }
}

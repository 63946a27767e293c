package io.bagsflow.model.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SpecOverrides;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells of an experiment and the spec of each. Pure and deterministic: the launcher plans (and checks) the cells
 * before anything starts, and the workflow plans the same cells again from its input.
 */
public final class ExperimentPlan {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExperimentPlan() {}

    /** Run ids of cells: the experiment id and the cell's 1-based number, so a restarted workflow finds its children. */
    public static String runId(String experimentId, int index) {
        return experimentId + "-" + (index + 1);
    }

    public static List<ExperimentCell> cells(String experimentId, ExperimentSpec spec) {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<Object>> axis : spec.gridOrEmpty().entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> point : points) {
                for (Object value : axis.getValue()) {
                    Map<String, Object> p = new LinkedHashMap<>(point);
                    p.put(axis.getKey(), value);
                    next.add(p);
                }
            }
            points = next;
        }
        List<Long> seeds = spec.seedsOrEmpty();
        List<ExperimentCell> cells = new ArrayList<>();
        for (Map<String, Object> point : points) {
            if (seeds.isEmpty()) {
                cells.add(new ExperimentCell(cells.size(), point, null, runId(experimentId, cells.size())));
            }
            for (Long seed : seeds) {
                cells.add(new ExperimentCell(cells.size(), point, seed, runId(experimentId, cells.size())));
            }
        }
        return cells;
    }

    /** The overrides of a cell as {@code stage retry --set} takes them: dotted key to a JSON value. */
    public static Map<String, String> overrides(PipelineSpec base, ExperimentCell cell) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, Object> p : cell.params().entrySet()) {
            overrides.put(p.getKey(), json(p.getValue()));
        }
        if (cell.seed() != null) {
            overrides.put("detector.seed", cell.seed().toString());
            if (base.withDefaults().dataset().isSynthetic()) {
                overrides.put("dataset.synth.seed", cell.seed().toString());
            }
        }
        return overrides;
    }

    /** The pipeline spec of a cell: the base with the cell's grid values and seed. */
    public static PipelineSpec specOf(ExperimentSpec spec, ExperimentCell cell) {
        return SpecOverrides.apply(spec.base().withDefaults(), overrides(spec.base(), cell));
    }

    /** How many cells run at once. */
    public static int parallelism(ExperimentSpec spec, int cells) {
        return spec.parallelism() == null ? Math.max(1, cells) : spec.parallelism();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("grid value " + value + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}

package io.bagsflow.activities.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bagsflow.activities.pipeline.InvalidInputException;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.experiment.ExperimentCell;
import io.bagsflow.model.experiment.ExperimentPlan;
import io.bagsflow.model.experiment.ExperimentSpec;
import io.bagsflow.model.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an experiment spec (JSON, or YAML by extension) strictly: {@code base} is read as a pipeline spec (unknown
 * keys named with their path), and every grid key and value is applied to it and checked like a spec, so a typo in
 * the grid is refused with its path before anything starts.
 */
public final class ExperimentSpecs {

    private static final ObjectMapper JSON = JsonMappers.strict();
    private static final ObjectMapper YAML = JsonMappers.strict(new YAMLFactory());
    private static final Set<String> KEYS = Set.of("base", "grid", "seeds", "parallelism");

    private ExperimentSpecs() {}

    public static ExperimentSpec read(Path file) {
        String name = file.toString().toLowerCase();
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        JsonNode tree;
        try {
            tree = (yaml ? YAML : JSON).readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": experiment file not found");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": invalid " + (yaml ? "YAML" : "JSON") + " at line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + e.getMessage());
        }
        return parse(tree, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses an experiment given as JSON text (tests); relative dataset paths stay as they are. */
    public static ExperimentSpec parse(String json) {
        try {
            return parse(JSON.readTree(json), "experiment", null);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("experiment: invalid JSON: " + e.getOriginalMessage());
        }
    }

    private static ExperimentSpec parse(JsonNode tree, String source, Path dir) {
        if (tree == null || !tree.isObject()) {
            throw new InvalidInputException(source + ": an experiment is an object such as {\"base\": {\"dataset\": "
                    + "{\"synth\": {\"preset\": \"tiny\"}}}, \"grid\": {\"finetune.othersSampleRatio\": [0, 8]}, "
                    + "\"seeds\": [31, 32]}");
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new InvalidInputException(source + ": unknown key \"" + key + "\" at top level; known keys "
                        + "there: [base, grid, seeds, parallelism]");
            }
        }
        if (!tree.path("base").isObject()) {
            throw new InvalidInputException(
                    source + ": \"base\" (the pipeline spec every cell starts from) is missing");
        }
        PipelineSpec base = PipelineSpecs.parse(tree.get("base"), source + ": base", dir);
        Map<String, List<Object>> grid = new LinkedHashMap<>();
        JsonNode g = tree.path("grid");
        if (!g.isMissingNode() && !g.isObject()) {
            throw new InvalidInputException(source + ": \"grid\" must map spec keys to lists of values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new InvalidInputException(
                        source + ": grid.\"" + e.getKey() + "\" must be a non-empty list of values");
            }
            List<Object> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(JSON.convertValue(v, Object.class)));
            grid.put(e.getKey(), values);
        }
        List<Long> seeds = new ArrayList<>();
        JsonNode s = tree.path("seeds");
        if (!s.isMissingNode()) {
            if (!s.isArray()) {
                throw new InvalidInputException(source + ": \"seeds\" must be a list of integers");
            }
            for (int i = 0; i < s.size(); i++) {
                if (!s.get(i).canConvertToLong() || !s.get(i).isIntegralNumber()) {
                    throw new InvalidInputException(source + ": seeds[" + i + "] must be an integer, got " + s.get(i));
                }
                seeds.add(s.get(i).asLong());
            }
            if (seeds.stream().distinct().count() != seeds.size()) {
                throw new InvalidInputException(source + ": seeds " + seeds + " name one twice");
            }
        }
        Integer parallelism = null;
        if (tree.has("parallelism")) {
            JsonNode p = tree.get("parallelism");
            if (!p.isIntegralNumber() || p.asInt() < 1) {
                throw new InvalidInputException(source + ": \"parallelism\" must be a positive integer, got " + p);
            }
            parallelism = p.asInt();
        }
        ExperimentSpec spec = new ExperimentSpec(base, grid, seeds, parallelism);
        check(spec, source);
        return spec;
    }

    /** Every cell's spec must be a valid pipeline spec; an error names the grid key and value that broke it. */
    public static void check(ExperimentSpec spec, String source) {
        // each key on its own first, so an unknown key is named by its path alone
        for (Map.Entry<String, List<Object>> axis : spec.gridOrEmpty().entrySet()) {
            for (int i = 0; i < axis.getValue().size(); i++) {
                ExperimentCell one = new ExperimentCell(
                        0, Map.of(axis.getKey(), axis.getValue().get(i)), null, "check");
                String where = source + ": grid.\"" + axis.getKey() + "\"[" + i + "]";
                try {
                    PipelineSpecs.check(ExperimentPlan.specOf(spec, one), where);
                } catch (IllegalArgumentException | InvalidInputException e) {
                    throw new InvalidInputException(
                            e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage());
                }
            }
        }
        List<ExperimentCell> cells = ExperimentPlan.cells("check", spec);
        if (cells.isEmpty()) {
            throw new InvalidInputException(source + ": the experiment has no cells");
        }
        for (ExperimentCell cell : cells) {
            String where = source + ": grid " + cell.params() + (cell.seed() == null ? "" : " seed " + cell.seed());
            PipelineSpec cellSpec;
            try {
                cellSpec = ExperimentPlan.specOf(spec, cell);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(where + ": " + e.getMessage());
            }
            try {
                PipelineSpecs.check(cellSpec, where);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(
                        e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage());
            }
        }
    }
}

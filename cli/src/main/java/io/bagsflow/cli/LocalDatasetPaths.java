package io.bagsflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.activities.S3Objects;
import io.bagsflow.model.experiment.ExperimentCell;
import io.bagsflow.model.experiment.ExperimentPlan;
import io.bagsflow.model.experiment.ExperimentSpec;
import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Dataset paths that exist only on the machine that starts a run. Once this home's {@code up --bind} has written
 * {@code connection.json}, workers on other machines may take any stage, PREPARE included, and they share no
 * filesystem with this one: a local path in the spec would be read on whichever disk PREPARE lands. So such a path is
 * refused when the run is started, naming the spec file, the field and the path, and the user names an {@code s3://}
 * URI instead, which PREPARE already reads from every worker (it downloads annotation files and image folders given
 * so). It is refused rather than uploaded by {@code pipeline start}: an LVIS image folder is tens of gigabytes that
 * one command would hash and copy on every start, and a dataset's stage key follows how it is named (file hashes for
 * paths, S3 ETags for URIs), so a silent upload would also change which earlier runs a run reuses.
 */
public final class LocalDatasetPaths {

    /** Written by {@code up --bind} in BAGSFLOW_HOME; its presence means workers may be on other machines. */
    public static final String CONNECTION_FILE = "connection.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalDatasetPaths() {}

    /**
     * Throws a {@link UserError} naming {@code source} and the first dataset field of {@code spec} that is a local
     * path while {@code home} holds a connection file; does nothing otherwise (a synthetic dataset, every field an
     * {@code s3://} URI, or no {@code up --bind} in this home).
     */
    public static void refuseWithRemoteWorkers(PipelineSpec spec, String source, Path home) {
        Path connection = home.resolve(CONNECTION_FILE);
        if (!Files.exists(connection)) {
            return;
        }
        Optional<Map.Entry<String, String>> local = firstLocalField(spec.dataset());
        if (local.isPresent()) {
            throw refusal(source, local.get().getKey(), local.get().getValue(), connection);
        }
    }

    /**
     * As {@link #refuseWithRemoteWorkers(PipelineSpec, String, Path)} for an experiment: its base, then the effective
     * spec of every cell, since a grid value may set a dataset field ({@code "dataset.train": ["a.json", ...]}, or a
     * whole {@code "dataset"} object) that the base names in S3. A cell's refusal names the experiment file and the
     * grid key and value that set the path.
     */
    public static void refuseWithRemoteWorkers(ExperimentSpec experiment, Path file, Path home) {
        refuseWithRemoteWorkers(experiment.base(), file + " (base)", home);
        Path connection = home.resolve(CONNECTION_FILE);
        if (!Files.exists(connection)) {
            return;
        }
        for (ExperimentCell cell : ExperimentPlan.cells("check", experiment)) {
            PipelineSpec cellSpec = ExperimentPlan.specOf(experiment, cell);
            Optional<Map.Entry<String, String>> local = firstLocalField(cellSpec.dataset());
            if (local.isEmpty()) {
                continue;
            }
            String field = local.get().getKey();
            // the grid key that put the path there: the field itself, or the whole dataset object
            Optional<Map.Entry<String, Object>> setter = cell.params().entrySet().stream()
                    .filter(p ->
                            p.getKey().equals("dataset." + field) || p.getKey().equals("dataset"))
                    .findFirst();
            String source = setter.map(p -> file + ": grid.\"" + p.getKey() + "\" = " + json(p.getValue()))
                    .orElse(file + ": grid " + cell.params());
            throw refusal(source, field, local.get().getValue(), connection);
        }
    }

    /** The first of train, val, test, images that is a path rather than an s3:// URI; none for a synthetic set. */
    private static Optional<Map.Entry<String, String>> firstLocalField(DatasetSpec d) {
        if (d == null || d.isSynthetic()) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("train", d.train());
        fields.put("val", d.val());
        fields.put("test", d.test());
        fields.put("images", d.images());
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (f.getValue() != null && !S3Objects.S3Uri.is(f.getValue())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static UserError refusal(String source, String field, String value, Path connection) {
        return new UserError(
                source + ": dataset." + field + " is a path on this machine (" + value
                        + "), but workers on other machines (up --bind wrote " + connection
                        + ") share no filesystem with it",
                "copy it to S3 and name it there, e.g. \"" + field + "\": \"s3://BUCKET/"
                        + (field.equals("images") ? "images/" : field + ".json")
                        + "\" (PREPARE reads s3:// URIs on any worker; docs/operations.md, Workers on other"
                        + " machines)");
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}

package io.bagsflow.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.activities.pipeline.DatasetCache;
import io.bagsflow.activities.pipeline.DetectorConfigs;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.UserError;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.ModelAlias;
import io.bagsflow.db.ModelAliasRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.PipelineRun;
import io.bagsflow.ml.dataset.DatasetManifest;
import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.pipeline.ArtifactRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A model to run, wherever it comes from: an alias ({@code champion}), a model id of the lineage, or a folder that
 * {@code model export} wrote. Each gives the same three things: the checkpoint file, the inference settings the run's
 * EVALUATE stage used for that model (so {@code predict} on the run's val images gives the recorded AP exactly), and
 * category names for drawing.
 *
 * <p>An exported folder holds {@value #CHECKPOINT_FILE} (the checkpoint zip, unchanged) and {@value #MODEL_FILE}:
 * <pre>{"format": "bagsflow-model/1", "model_id", "run_id", "kind", "generation", "parent_model_id",
 *  "checkpoint": "checkpoint.zip", "checkpoint_sha256", "code_version",
 *  "categories": [{"id", "name"}, ...], "inference": {detector settings as DetectorConfig JSON}}</pre>
 */
record ModelSource(
        String modelId, String kind, Path checkpoint, DetectorConfig inference, Map<Integer, String> categoryNames) {

    static final String FORMAT = "bagsflow-model/1";
    static final String MODEL_FILE = "model.json";
    static final String CHECKPOINT_FILE = "checkpoint.zip";

    private static final ObjectMapper JSON = JsonMappers.lenient();

    /** An exported folder if {@code ref} names one, else an alias, else a model id. */
    static ModelSource resolve(String ref, CliServices services) {
        Path dir = Path.of(ref);
        if (Files.isDirectory(dir)) {
            return fromExport(dir);
        }
        return fromLineage(modelRecord(ref, services), services);
    }

    /** The lineage row an alias or model id names; a user error naming both lookups when neither finds one. */
    static ModelRecord modelRecord(String ref, CliServices services) {
        Optional<ModelAlias> alias = ModelAliasRepository.NAME.matcher(ref).matches()
                ? new ModelAliasRepository(services.database()).find(ref)
                : Optional.empty();
        String id = alias.map(ModelAlias::modelId).orElse(ref);
        return services.lineage()
                .findModel(id)
                .orElseThrow(() -> new UserError(
                        "no model or alias \"" + ref + "\"",
                        "`./bagsflow model alias list` lists the aliases; `./bagsflow runs show RUN` a run's models"));
    }

    static ModelSource fromLineage(ModelRecord model, CliServices services) {
        DatasetCache cache =
                new DatasetCache(services.store(), services.env().home().root().resolve("cache"));
        Path checkpoint = cache.file(ref(model.checkpointSha256(), services));
        PipelineRun run = services.runs()
                .findRun(model.runId())
                .orElseThrow(() -> new UserError(
                        "model " + model.id() + " names run " + model.runId() + ", which the history does not have",
                        null));
        DetectorConfig inference = DetectorConfigs.finetune(PipelineSpecs.parse(run.specJson()));
        Map<Integer, String> names = new LinkedHashMap<>();
        if (model.manifestSha256() != null) {
            DatasetManifest manifest = DatasetManifest.read(cache.file(ref(model.manifestSha256(), services)));
            manifest.categories().forEach(c -> names.put(c.id(), c.name()));
        }
        return new ModelSource(model.id(), model.kind(), checkpoint, inference, names);
    }

    private static ArtifactRef ref(String sha256, CliServices services) {
        ArtifactRecord a = new ArtifactRepository(services.database())
                .find(sha256)
                .orElseThrow(() -> new UserError("artifact " + sha256 + " is not in the history", null));
        return new ArtifactRef(a.sha256(), a.sizeBytes(), a.mediaType());
    }

    static ModelSource fromExport(Path dir) {
        Path file = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserError(
                    dir + " is a folder without " + MODEL_FILE + ", so not an exported model",
                    "`./bagsflow model export MODEL --out DIR` writes one");
        }
        try {
            JsonNode m = JSON.readTree(file.toFile());
            if (!FORMAT.equals(m.path("format").asText())) {
                throw new UserError(
                        file + ": \"format\" is " + m.path("format") + ", expected \"" + FORMAT + "\"", null);
            }
            Map<Integer, String> names = new LinkedHashMap<>();
            for (JsonNode c : m.path("categories")) {
                names.put(c.path("id").asInt(), c.path("name").asText());
            }
            Path checkpoint = dir.resolve(m.path("checkpoint").asText(CHECKPOINT_FILE));
            if (!Files.isRegularFile(checkpoint)) {
                throw new UserError(file + ": \"checkpoint\" names " + checkpoint + ", which does not exist", null);
            }
            DetectorConfig inference;
            try {
                inference = DetectorConfig.fromJson(JSON.writeValueAsString(m.path("inference")));
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": \"inference\": " + e.getMessage(), null);
            }
            return new ModelSource(m.path("model_id").asText(), m.path("kind").asText(), checkpoint, inference, names);
        } catch (IOException e) {
            throw new UserError(file + " is not valid JSON: " + e.getMessage(), null);
        }
    }

    /** Writes this model as an exported folder: the checkpoint as it is stored and {@value #MODEL_FILE}. */
    static Path export(ModelRecord model, ModelSource source, Path dir) {
        try {
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve(MODEL_FILE)) || Files.exists(dir.resolve(CHECKPOINT_FILE))) {
                throw new UserError(dir + " already holds an exported model", "pick an empty folder for --out");
            }
            Files.copy(source.checkpoint(), dir.resolve(CHECKPOINT_FILE));
            ObjectNode m = JSON.createObjectNode();
            m.put("format", FORMAT);
            m.put("model_id", model.id());
            m.put("run_id", model.runId());
            m.put("kind", model.kind());
            m.put("generation", model.generation());
            m.put("parent_model_id", model.parentModelId());
            m.put("checkpoint", CHECKPOINT_FILE);
            m.put("checkpoint_sha256", model.checkpointSha256());
            m.put("code_version", model.codeVersion());
            ArrayNode categories = m.putArray("categories");
            source.categoryNames()
                    .forEach((id, name) -> categories.addObject().put("id", id).put("name", name));
            m.set("inference", JSON.readTree(source.inference().toJson()));
            Path file = dir.resolve(MODEL_FILE);
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

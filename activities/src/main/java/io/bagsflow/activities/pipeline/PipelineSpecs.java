package io.bagsflow.activities.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bagsflow.activities.S3Objects;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.synth.SiblingPlacement;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SpecRanges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a pipeline spec from a JSON or YAML file (by extension: .yaml/.yml, else JSON), strictly: an unknown key is
 * an error naming it. Relative dataset paths are resolved against the spec file's folder and must exist. Every
 * number must be in its range. Fills every default.
 */
public final class PipelineSpecs {

    private static final ObjectMapper JSON =
            JsonMappers.sortingMapKeys(JsonMappers.strict()).enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectMapper YAML = JsonMappers.strict(new YAMLFactory());

    private PipelineSpecs() {}

    public static PipelineSpec read(Path file) {
        String name = file.toString().toLowerCase();
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        JsonNode tree;
        try {
            tree = mapper.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": spec file not found");
        } catch (JsonProcessingException e) {
            // the file first, always: a YAML error may come without a location
            String at = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw new InvalidInputException(file + ": invalid " + (mapper == YAML ? "YAML" : "JSON") + at + ": "
                    + String.valueOf(e.getOriginalMessage()).strip().replaceAll("\\s*\\R\\s*", " "));
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidInputException(file + ": a spec is an object such as "
                    + "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 7}}}");
        }
        PipelineSpec spec =
                resolvePaths(parse(tree, file.toString()), file.toAbsolutePath().getParent());
        checkLocalPaths(spec, file);
        return spec;
    }

    /**
     * Local dataset paths must exist here, where the run is started: a missing one would otherwise let the run
     * start and then wait in PREPARE. (A worker on another machine must see the same paths; else use s3:// URIs.)
     */
    static void checkLocalPaths(PipelineSpec spec, Path file) {
        DatasetSpec d = spec.dataset();
        if (d.synth() != null) {
            return;
        }
        checkLocalPath(file, "dataset.train", d.train(), false);
        checkLocalPath(file, "dataset.val", d.val(), false);
        if (d.test() != null) {
            checkLocalPath(file, "dataset.test", d.test(), false);
        }
        checkLocalPath(file, "dataset.images", d.images(), true);
    }

    private static void checkLocalPath(Path file, String key, String path, boolean folder) {
        if (S3Objects.S3Uri.is(path)) {
            return;
        }
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw new InvalidInputException(file + ": " + key + ": " + path + " does not exist"
                    + " (relative paths are relative to the spec file's folder)");
        }
        if (folder != Files.isDirectory(p)) {
            throw new InvalidInputException(
                    file + ": " + key + ": " + path + " is not a " + (folder ? "folder" : "file"));
        }
    }

    /** Parses a spec given as a JSON text (for tests and the demo). */
    public static PipelineSpec parse(String json) {
        try {
            return parse(JSON.readTree(json), "spec");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("spec: invalid JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses a spec given as a JSON tree inside another file (an experiment's base); paths resolve against dir. */
    public static PipelineSpec parse(JsonNode tree, String source, Path dir) {
        return resolvePaths(parse(tree, source), dir);
    }

    private static PipelineSpec parse(JsonNode tree, String source) {
        PipelineSpec spec;
        try {
            spec = JSON.treeToValue(tree, PipelineSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidInputException(source + ": unknown key \"" + e.getPropertyName() + "\" at "
                    + path(e) + KeySuggestion.didYouMean(e.getPropertyName(), e.getKnownPropertyIds())
                    + "; known keys there: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            String expected =
                    e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? JsonErrors.expected(m) : null;
            throw new InvalidInputException(
                    expected != null
                            ? source + ": " + path(e) + ": " + expected
                            : source + ": " + e.getOriginalMessage() + " at " + path(e));
        }
        try {
            spec = spec.withDefaults();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + ": " + e.getMessage());
        }
        check(spec, source);
        return spec;
    }

    /**
     * The checks that do not need the files: dataset form, generation names, bins, and the range of every number
     * ({@link SpecRanges}, and {@code DetectorConfigRanges} for the detector and fine-tune settings).
     */
    public static void check(PipelineSpec spec, String source) {
        DatasetSpec d = spec.dataset();
        boolean local = d.train() != null || d.val() != null || d.test() != null || d.images() != null;
        if (d.synth() != null && local) {
            throw new InvalidInputException(
                    source + ": dataset: give either \"synth\" or \"train\"/\"val\"/\"test\"/\"images\", not both");
        }
        if (d.synth() == null && (d.train() == null || d.val() == null || d.images() == null)) {
            throw new InvalidInputException(source + ": dataset: \"train\", \"val\" and \"images\" are all needed "
                    + "for a local dataset (or use \"synth\")");
        }
        if (d.synth() != null && !SyntheticPreset.labels().contains(d.synth().preset())) {
            throw new InvalidInputException(
                    source + ": dataset.synth.preset must be one of " + String.join(", ", SyntheticPreset.labels())
                            + ", got \"" + d.synth().preset() + "\"");
        }
        if (d.synth() != null) {
            try {
                SiblingPlacement.parse(d.synth().siblings());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(source + ": dataset.synth.siblings: " + e.getMessage());
            }
        }
        for (String g : spec.kinds()) {
            if (!PipelineSpec.KNOWN_KINDS.contains(g)) {
                throw new InvalidInputException(
                        source + ": generations: unknown \"" + g + "\"; use any of " + PipelineSpec.KNOWN_KINDS);
            }
        }
        if (spec.kinds().stream().distinct().count() != spec.kinds().size()) {
            throw new InvalidInputException(source + ": generations: " + spec.kinds() + " names one twice");
        }
        List<Integer> bins = spec.groups().bins();
        if (bins.isEmpty() || bins.get(0) != 0) {
            throw new InvalidInputException(source + ": groups.bins must start at 0, got " + bins);
        }
        for (int i = 1; i < bins.size(); i++) {
            if (bins.get(i) <= bins.get(i - 1)) {
                throw new InvalidInputException(source + ": groups.bins must increase, got " + bins);
            }
        }
        if (spec.notifications() != null
                && spec.notifications().webhook() != null
                && !isWebUrl(spec.notifications().webhook())) {
            throw new InvalidInputException(source + ": notify.webhook must be an http:// or https:// URL, got \""
                    + spec.notifications().webhook() + "\"");
        }
        try {
            SpecRanges.check(spec);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + ": " + e.getMessage());
        }
        // the detector and fine-tune settings must name real configuration fields with fitting values
        try {
            DetectorConfigs.finetune(spec);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": " + e.getMessage(), e);
        }
    }

    /** An absolute http or https URL with a host, which is all a webhook can be. */
    public static boolean isWebUrl(String url) {
        try {
            java.net.URI u = new java.net.URI(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** The spec as canonical JSON (sorted keys): what is stored with the run and hashed into stage keys. */
    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(JSON.readTree(JSON.writeValueAsString(value)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PipelineSpec resolvePaths(PipelineSpec spec, Path dir) {
        DatasetSpec d = spec.dataset();
        if (d.synth() != null) {
            return spec;
        }
        DatasetSpec resolved = new DatasetSpec(
                null,
                resolve(dir, d.train()),
                resolve(dir, d.val()),
                d.test() == null ? null : resolve(dir, d.test()),
                resolve(dir, d.images()));
        return new PipelineSpec(
                resolved,
                spec.groups(),
                spec.detector(),
                spec.finetune(),
                spec.kinds(),
                spec.timeouts(),
                spec.reuse(),
                spec.notifications());
    }

    private static String resolve(Path dir, String path) {
        if (S3Objects.S3Uri.is(path)) {
            return path;
        }
        Path p = Path.of(path);
        return (p.isAbsolute() || dir == null ? p : dir.resolve(p)).normalize().toString();
    }

    private static String path(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            List<String> parts = new ArrayList<>();
            for (var ref : m.getPath()) {
                parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
            return parts.isEmpty() ? "top level" : String.join(".", parts);
        }
        return "?";
    }
}

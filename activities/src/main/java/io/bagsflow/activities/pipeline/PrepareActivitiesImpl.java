package io.bagsflow.activities.pipeline;

import static io.bagsflow.model.pipeline.ArtifactNames.CLASS_WEIGHTS;
import static io.bagsflow.model.pipeline.ArtifactNames.GROUPS;
import static io.bagsflow.model.pipeline.ArtifactNames.GROUPS_NPZ;
import static io.bagsflow.model.pipeline.ArtifactNames.IMAGES;
import static io.bagsflow.model.pipeline.ArtifactNames.MANIFEST;
import static io.bagsflow.model.pipeline.ArtifactNames.REPEAT_FACTORS;
import static io.bagsflow.model.pipeline.ArtifactNames.STATISTICS;
import static io.bagsflow.model.pipeline.ArtifactNames.TEST;
import static io.bagsflow.model.pipeline.ArtifactNames.TRAIN;
import static io.bagsflow.model.pipeline.ArtifactNames.VAL;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.S3Objects;
import io.bagsflow.activities.S3Objects.S3Uri;
import io.bagsflow.activities.Sha256;
import io.bagsflow.ml.bags.BagsFiles;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.bags.GroupingOptions;
import io.bagsflow.ml.bags.RepeatFactors;
import io.bagsflow.ml.bags.StatisticsTable;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.dataset.DatasetCheck;
import io.bagsflow.ml.dataset.DatasetManifest;
import io.bagsflow.ml.dataset.DatasetValidator;
import io.bagsflow.ml.dataset.InvalidDatasetException;
import io.bagsflow.ml.dataset.ManifestFile;
import io.bagsflow.ml.synth.SiblingPlacement;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.StageInput;
import io.bagsflow.model.pipeline.StageResult;
import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.workflows.pipeline.PrepareActivities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * PREPARE: makes the synthetic dataset or reads the local one, validates it (bad input fails for good, naming every
 * problem), and stores as artifacts: the manifest, the train, val and test annotation files (val again as test when
 * the dataset has no test file), the image archive (test images included), the BAGS group files
 * (groups.json, groups.npz, RFS factors, class weights) and the statistics table.
 */
public class PrepareActivitiesImpl implements PrepareActivities {

    private final StageRunner runner;

    public PrepareActivitiesImpl(StageRunner runner) {
        this.runner = runner;
    }

    @Override
    public StageResult prepare(StageInput input) {
        PipelineSpec spec = input.spec();
        DatasetSpec d = spec.dataset();
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("dataset", d.isSynthetic() ? d.synth() : "local");
        settings.put("bins", spec.groups().bins());
        if (masks(spec)) {
            // a run with masks checks the segmentations too; only then in the key, so box-only keys stay as they were
            settings.put("segmentations", true);
        }
        String config = PipelineSpecs.toJson(settings);
        // hashing the inputs reads files and lists S3: a failure there is recorded as a failed attempt
        return runner.run(StageCall.of(
                input,
                PartKey.whole(Stage.PREPARE),
                () -> StageKey.of(Stage.PREPARE.name(), "", config, d.isSynthetic() ? Map.of() : inputHashes(d)),
                attempt -> prepare(attempt, spec)));
    }

    /** Whether the run trains a mask head, whose polygons PREPARE then validates. */
    private static boolean masks(PipelineSpec spec) {
        try {
            return DetectorConfigs.base(spec).masks();
        } catch (InvalidInputException badDetector) {
            // not PREPARE's to report: TRAIN_BASE fails on it, naming the key
            return false;
        }
    }

    private Map<String, ArtifactRef> prepare(Attempt attempt, PipelineSpec spec) throws IOException {
        DatasetSpec d = spec.dataset();
        Path train;
        Path val;
        Path test;
        Path images;
        if (d.isSynthetic()) {
            attempt.progress(Map.of(
                    "step",
                    0,
                    "total",
                    4,
                    "message",
                    "generating synth " + d.synth().preset()));
            Path out = attempt.workDir().resolve("dataset");
            var summary = SyntheticDataset.generate(
                    SyntheticPreset.parse(d.synth().preset()),
                    d.synth().seed(),
                    SiblingPlacement.parse(d.synth().siblings()),
                    out);
            train = summary.train();
            val = summary.val();
            test = summary.test();
            images = summary.imageDir();
        } else {
            attempt.progress(Map.of("step", 0, "total", 4, "message", "reading the dataset"));
            Path in = attempt.workDir().resolve("input");
            train = local(d.train(), in.resolve("train.json"));
            val = local(d.val(), in.resolve("val.json"));
            // without a test file of its own the dataset's val serves as test (stored twice under one hash)
            test = d.test() == null ? val : local(d.test(), in.resolve("test.json"));
            images = S3Uri.is(d.images())
                    ? store().objects().downloadFolder(S3Uri.parse(d.images()), in.resolve("images"))
                    : Path.of(d.images());
        }
        attempt.progress(Map.of("step", 1, "total", 4, "message", "validating"));
        boolean segmentations = masks(spec);
        DatasetCheck check = DatasetValidator.check(train, val, images, segmentations);
        if (!check.ok()) {
            throw new InvalidInputException(
                    "the dataset has " + check.report().errors().size() + " problem(s): "
                            + check.report().format(10),
                    new InvalidDatasetException(check.report()));
        }
        // the test file is checked the way val is: against the training categories and the image folder
        DatasetCheck testCheck = test.equals(val) ? check : DatasetValidator.check(train, test, images, segmentations);
        if (!testCheck.ok()) {
            throw new InvalidInputException(
                    "the test split " + test.getFileName() + " has "
                            + testCheck.report().errors().size() + " problem(s): "
                            + testCheck.report().format(10),
                    new InvalidDatasetException(testCheck.report()));
        }
        attempt.progress(Map.of("step", 2, "total", 4, "message", "BAGS groups"));
        Path dir = attempt.workDir().resolve("out");
        Files.createDirectories(dir);
        GroupingOptions options = new GroupingOptions(
                new BinEdges(spec.groups().bins().stream()
                        .mapToInt(Integer::intValue)
                        .toArray()),
                CountSource.ANNOTATIONS,
                RepeatFactors.DEFAULT_THRESHOLD_IMAGES);
        BagsFiles groups = BagsFiles.write(check.statistics(), options, dir.resolve("groups"));
        Path statistics = dir.resolve("statistics.txt");
        Files.writeString(
                statistics, StatisticsTable.format(check.statistics(), groups.groups()), StandardCharsets.UTF_8);

        attempt.progress(Map.of("step", 3, "total", 4, "message", "archiving images"));
        DatasetManifest manifest = portable(check.manifest());
        Path manifestFile = dir.resolve("manifest.json");
        manifest.write(manifestFile);
        Set<String> paths = new TreeSet<>();
        manifest.trainImages().forEach(i -> paths.add(i.path()));
        manifest.valImages().forEach(i -> paths.add(i.path()));
        testCheck.manifest().valImages().forEach(i -> paths.add(i.path()));
        Path archive = dir.resolve("images.zip");
        ImageArchive.write(images, paths, archive);

        attempt.progress(Map.of("step", 4, "total", 4, "message", "uploading"));
        Map<String, ArtifactRef> out = new LinkedHashMap<>();
        out.put(MANIFEST, attempt.upload(manifestFile, "application/json"));
        out.put(TRAIN, attempt.upload(train, "application/json"));
        out.put(VAL, attempt.upload(val, "application/json"));
        out.put(TEST, attempt.upload(test, "application/json"));
        out.put(IMAGES, attempt.upload(archive, "application/zip"));
        out.put(GROUPS, attempt.upload(groups.groupsJson(), "application/json"));
        out.put(GROUPS_NPZ, attempt.upload(groups.groupsNpz(), "application/octet-stream"));
        out.put(REPEAT_FACTORS, attempt.upload(groups.repeatFactorsJson(), "application/json"));
        out.put(CLASS_WEIGHTS, attempt.upload(groups.classWeightsJson(), "application/json"));
        out.put(STATISTICS, attempt.upload(statistics, "text/plain"));
        return out;
    }

    /**
     * The manifest as later stages see it: annotation files and images by their names inside the stored dataset,
     * not by where this worker read them, so the same dataset gives the same manifest (and hash) anywhere.
     */
    static DatasetManifest portable(DatasetManifest m) {
        return new DatasetManifest(
                m.formatVersion(),
                new ManifestFile("train.json", m.train().sha256(), m.train().bytes()),
                new ManifestFile("val.json", m.val().sha256(), m.val().bytes()),
                "images.zip",
                m.counts(),
                m.categories(),
                m.trainImages(),
                m.valImages());
    }

    /** A dataset file as a local path: read in place, or downloaded when it is an {@code s3://} URI. */
    private Path local(String location, Path downloadTo) {
        if (!S3Uri.is(location)) {
            return Path.of(location);
        }
        S3Uri uri = S3Uri.parse(location);
        return store().objects().download(uri.bucket(), uri.key(), downloadTo);
    }

    private ArtifactStore store() {
        return runner.store();
    }

    /**
     * The content identity of a given dataset for the stage key: the annotation files' hashes (ETags for S3
     * objects) and a hash of the image folder's listing (path, size, modification time or ETag of every file),
     * which changes when any image does.
     */
    Map<String, String> inputHashes(DatasetSpec d) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("train", fileIdentity(d.train()));
        inputs.put("val", fileIdentity(d.val()));
        if (d.test() != null) {
            inputs.put("test", fileIdentity(d.test()));
        }
        if (S3Uri.is(d.images())) {
            StringBuilder listing = new StringBuilder();
            for (S3Objects.S3Object o : store().objects().list(S3Uri.parse(d.images()))) {
                listing.append(o.key())
                        .append('\t')
                        .append(o.size())
                        .append('\t')
                        .append(o.etag())
                        .append('\n');
            }
            inputs.put("images", Sha256.of(listing.toString()));
            return inputs;
        }
        Path images = Path.of(d.images());
        List<String> listing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(images)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                listing.add(images.relativize(f) + "\t" + Files.size(f) + "\t"
                        + Files.getLastModifiedTime(f).toMillis());
            }
        } catch (IOException e) {
            // the validator names the problem with the folder; the key just has to be stable
            listing.add("unreadable: " + e.getMessage());
        }
        inputs.put("images", Sha256.of(String.join("\n", listing)));
        return inputs;
    }

    /** A missing file fails validation with a clear message later; here it only has to give a key. */
    private String fileIdentity(String location) {
        if (S3Uri.is(location)) {
            S3Uri uri = S3Uri.parse(location);
            return store().objects()
                    .stat(uri.bucket(), uri.key())
                    .map(o -> "etag:" + o.etag())
                    .orElse("missing:" + location);
        }
        Path file = Path.of(location);
        return Files.isRegularFile(file) ? Sha256.of(file) : "missing:" + file;
    }
}

package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.experiment.ExperimentSpecs;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.model.experiment.ExperimentSpec;
import io.bagsflow.worker.config.EnvironmentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With workers on other machines (a home where {@code up --bind} wrote {@code connection.json}) a dataset path that
 * exists only on the starting machine is refused by {@code pipeline start} and {@code experiment start}, naming the
 * spec file, the field and the path (for an experiment, in its base or set by a grid value: then the grid key and
 * value too); an {@code s3://} URI passes, and so does a local path in a home without remote workers.
 */
class LocalDatasetPathsTest {

    @Test
    void pipelineStartRefusesALocalTrainFileInOneLineNamingTheSpecFieldAndPath(@TempDir Path dir) throws Exception {
        Path home = homeWithRemoteWorkers(dir);
        Path spec = spec(dir, "\"train\": \"data/train.json\", \"val\": \"data/val.json\", \"images\": \"data/img\"");

        CommandOutput start = CommandOutput.run(
                Map.of(EnvironmentConfig.HOME, home.toString()), "pipeline", "start", spec.toString());

        assertNotEquals(0, start.exitCode(), start.out() + start.err());
        List<String> errors =
                start.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), start.err());
        String error = errors.get(0);
        assertTrue(error.contains(spec.toString()), error);
        assertTrue(error.contains("dataset.train"), error);
        // the path as resolved against the spec's folder: the one that exists only here
        assertTrue(error.contains(dir.resolve("data/train.json").toString()), error);
        assertTrue(start.err().contains("s3://"), start.err());
    }

    @Test
    void aLocalImageFolderIsRefusedBesideAnnotationFilesInS3(@TempDir Path dir) throws Exception {
        Path home = homeWithRemoteWorkers(dir);
        Path spec = spec(
                dir,
                "\"train\": \"s3://datasets/train.json\", \"val\": \"s3://datasets/val.json\","
                        + " \"test\": \"s3://datasets/test.json\", \"images\": \"data/img\"");

        UserError e = assertThrows(
                UserError.class,
                () -> LocalDatasetPaths.refuseWithRemoteWorkers(PipelineSpecs.read(spec), spec.toString(), home));

        assertTrue(e.getMessage().contains("dataset.images"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("data/img").toString()), e.getMessage());
    }

    @Test
    void experimentStartRefusesALocalPathOfItsBase(@TempDir Path dir) throws Exception {
        Path home = homeWithRemoteWorkers(dir);
        dataFiles(dir);
        Path experiment = dir.resolve("experiment.json");
        Files.writeString(
                experiment,
                "{\"base\": {\"dataset\": {\"train\": \"data/train.json\", \"val\": \"data/val.json\","
                        + " \"images\": \"data/img\"}}, \"grid\": {\"finetune.othersSampleRatio\": [0, 8]}}");

        CommandOutput start = CommandOutput.run(
                Map.of(EnvironmentConfig.HOME, home.toString()), "experiment", "start", experiment.toString());

        assertNotEquals(0, start.exitCode(), start.out() + start.err());
        assertTrue(start.err().contains("dataset.train is a path on this machine"), start.err());
        assertTrue(start.err().contains(experiment.toString()), start.err());
    }

    @Test
    void experimentStartRefusesAGridValueThatSetsALocalPathNamingTheFileGridKeyValueAndPath(@TempDir Path dir)
            throws Exception {
        Path home = homeWithRemoteWorkers(dir);
        dataFiles(dir);
        Path experiment = dir.resolve("experiment.json");
        // the base is all S3: only the second value of the grid names a file of this machine
        Files.writeString(
                experiment,
                "{\"base\": {\"dataset\": {\"train\": \"s3://d/train.json\", \"val\": \"s3://d/val.json\","
                        + " \"images\": \"s3://d/images/\"}},"
                        + " \"grid\": {\"dataset.train\": [\"s3://d/train-big.json\", \"data/train.json\"]},"
                        + " \"seeds\": [1, 2]}");

        CommandOutput start = CommandOutput.run(
                Map.of(EnvironmentConfig.HOME, home.toString()), "experiment", "start", experiment.toString());

        assertNotEquals(0, start.exitCode(), start.out() + start.err());
        List<String> errors =
                start.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), start.err());
        String error = errors.get(0);
        assertTrue(error.contains(experiment.toString()), error);
        assertTrue(error.contains("grid.\"dataset.train\" = \"data/train.json\""), error);
        assertTrue(error.contains("dataset.train is a path on this machine (data/train.json)"), error);
        assertTrue(start.err().contains("s3://"), start.err());
    }

    @Test
    void aGridValueThatReplacesTheWholeDatasetIsCheckedFieldByField(@TempDir Path dir) throws Exception {
        Path home = homeWithRemoteWorkers(dir);
        String s3 = "{\"train\": \"s3://d/train.json\", \"val\": \"s3://d/val.json\", \"images\": \"s3://d/img/\"}";
        String localImages = "{\"train\": \"s3://d/train.json\", \"val\": \"s3://d/val.json\","
                + " \"images\": \"/data/lvis/images\"}";
        ExperimentSpec experiment = ExperimentSpecs.parse(
                "{\"base\": {\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}, \"grid\": {\"dataset\": [" + s3 + ", "
                        + localImages + "], \"finetune.othersSampleRatio\": [0, 8]}}");
        Path file = dir.resolve("grid.json");

        UserError e =
                assertThrows(UserError.class, () -> LocalDatasetPaths.refuseWithRemoteWorkers(experiment, file, home));

        assertTrue(e.getMessage().startsWith(file + ": grid.\"dataset\" = {"), e.getMessage());
        assertTrue(e.getMessage().contains("/data/lvis/images"), e.getMessage());
        assertTrue(e.getMessage().contains("dataset.images is a path on this machine"), e.getMessage());
    }

    @Test
    void aGridOfS3DatasetsPassesAndSoDoesALocalGridValueWithoutRemoteWorkers(@TempDir Path dir) throws Exception {
        Path home = homeWithRemoteWorkers(dir);
        ExperimentSpec s3 = ExperimentSpecs.parse("{\"base\": {\"dataset\": {\"train\": \"s3://d/a.json\","
                + " \"val\": \"s3://d/val.json\", \"images\": \"s3://d/img/\"}},"
                + " \"grid\": {\"dataset.train\": [\"s3://d/a.json\", \"s3://d/b.json\"]}}");
        LocalDatasetPaths.refuseWithRemoteWorkers(s3, dir.resolve("s3.json"), home);

        ExperimentSpec local = ExperimentSpecs.parse("{\"base\": {\"dataset\": {\"train\": \"s3://d/a.json\","
                + " \"val\": \"s3://d/val.json\", \"images\": \"s3://d/img/\"}},"
                + " \"grid\": {\"dataset.train\": [\"s3://d/a.json\", \"data/train.json\"]}}");
        Path noBind = Files.createDirectories(dir.resolve("plain-home"));
        LocalDatasetPaths.refuseWithRemoteWorkers(local, dir.resolve("local.json"), noBind);
        // the same experiment is refused once the home has remote workers: the check above could fail
        assertThrows(
                UserError.class,
                () -> LocalDatasetPaths.refuseWithRemoteWorkers(local, dir.resolve("local.json"), home));
    }

    @Test
    void s3UrisAndHomesWithoutRemoteWorkersPass(@TempDir Path dir) throws Exception {
        Path local = spec(dir, "\"train\": \"data/train.json\", \"val\": \"data/val.json\", \"images\": \"data/img\"");
        Path noBind = Files.createDirectories(dir.resolve("plain-home"));
        // no connection.json: workers share this machine's disk, local paths are read in place
        LocalDatasetPaths.refuseWithRemoteWorkers(PipelineSpecs.read(local), local.toString(), noBind);

        Path home = homeWithRemoteWorkers(dir);
        Path s3 = dir.resolve("s3.json");
        Files.writeString(
                s3,
                "{\"dataset\": {\"train\": \"s3://d/train.json\", \"val\": \"s3://d/val.json\","
                        + " \"images\": \"s3://d/images/\"}}");
        LocalDatasetPaths.refuseWithRemoteWorkers(PipelineSpecs.read(s3), s3.toString(), home);
        Path synth = dir.resolve("synth.json");
        Files.writeString(synth, "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 1}}}");
        LocalDatasetPaths.refuseWithRemoteWorkers(PipelineSpecs.read(synth), synth.toString(), home);
    }

    /** A home as {@code up --bind} leaves it: its connection file is what says workers may be elsewhere. */
    private static Path homeWithRemoteWorkers(Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(LocalDatasetPaths.CONNECTION_FILE), "{\"format\": 1}");
        return home;
    }

    /** A spec with these dataset fields beside files that exist (spec reading checks that local paths do). */
    private static Path spec(Path dir, String datasetFields) throws Exception {
        dataFiles(dir);
        Path spec = dir.resolve("spec.json");
        Files.writeString(spec, "{\"dataset\": {" + datasetFields + "}}");
        return spec;
    }

    private static void dataFiles(Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(data.resolve("img"));
        for (String f : List.of("train.json", "val.json")) {
            if (!Files.exists(data.resolve(f))) {
                Files.writeString(data.resolve(f), "{}");
            }
        }
    }
}

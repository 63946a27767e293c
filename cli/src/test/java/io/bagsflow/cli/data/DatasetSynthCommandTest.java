package io.bagsflow.cli.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataset synth --preset small-lvis}, as the README shows it: small's training set, an LVIS-like val set. */
class DatasetSynthCommandTest {

    @Test
    void smallLvisIsSmallsTrainingSetWithAnotherValSet(@TempDir Path dir) throws Exception {
        Path lvis = dir.resolve("small-lvis");
        Path small = dir.resolve("small");
        CommandOutput out =
                CommandOutput.run(Map.of(), ("dataset synth --preset small-lvis --seed 7 --out " + lvis).split(" "));
        assertEquals(0, out.exitCode(), out.out() + out.err());
        assertTrue(out.out().contains("(preset small-lvis, seed 7)"), out.out());
        assertEquals(
                0,
                CommandOutput.run(
                                Map.of(),
                                "dataset",
                                "synth",
                                "--preset",
                                "small",
                                "--seed",
                                "7",
                                "--out",
                                small.toString())
                        .exitCode());

        assertArrayEquals(
                Files.readAllBytes(small.resolve("train.json")), Files.readAllBytes(lvis.resolve("train.json")));
        assertArrayEquals(
                Files.readAllBytes(small.resolve("images/train_000001.png")),
                Files.readAllBytes(lvis.resolve("images/train_000001.png")));
        LvisDataset val = LvisDatasetReader.read(lvis.resolve("val.json"));
        LvisDataset smallVal = LvisDatasetReader.read(small.resolve("val.json"));
        assertTrue(val.annotations().size() != smallVal.annotations().size(), "another val set");
    }

    @Test
    void synthWritesAHeldOutTestSetAndTakesASiblingPlacement(@TempDir Path dir) throws Exception {
        Path within = dir.resolve("within");
        CommandOutput out = CommandOutput.run(
                Map.of(), ("dataset synth --preset tiny --seed 7 --siblings within_group --out " + within).split(" "));
        assertEquals(0, out.exitCode(), out.out() + out.err());
        assertTrue(out.out().contains("(preset tiny, seed 7, siblings within_group)"), out.out());
        assertTrue(out.out().matches("(?s).*\\d+ train \\+ \\d+ val \\+ \\d+ test images.*"), out.out());
        LvisDataset test = LvisDatasetReader.read(within.resolve("test.json"));
        LvisDataset val = LvisDatasetReader.read(within.resolve("val.json"));
        assertEquals(val.categories(), test.categories());
        assertTrue(Files.isRegularFile(
                within.resolve("images").resolve(test.images().get(0).fileName())));

        CommandOutput bad = CommandOutput.run(
                Map.of(), ("dataset synth --preset tiny --siblings near --out " + dir.resolve("bad")).split(" "));
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.out() + bad.err());
        assertTrue(bad.err().contains("unknown siblings placement \"near\""), bad.err());
    }
}

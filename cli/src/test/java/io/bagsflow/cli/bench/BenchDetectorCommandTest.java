package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bagsflow bench detector} as the README shows it: a thread count and the figures as JSON. */
class BenchDetectorCommandTest {

    @Test
    void theJsonHoldsTheFiguresToCompareAcrossCommits(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        // the README's command, in a temporary folder:
        // ./bagsflow bench detector --preset tiny --iterations 20 --methods "" --threads 1 --work bench-work --json
        // bench.json
        CommandOutput run = tinyBench(dir, json, "");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("20 iterations x 4 images at 64 px, device cpu(), 1 threads"), run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        for (String key : List.of(
                "threads",
                "train_images_per_second",
                "finetune_seconds",
                "inference_images_per_second",
                "peak_rss_mb")) {
            assertTrue(doc.has(key), key + " missing from " + doc);
        }
        assertEquals(1, doc.path("threads").asInt());
        assertTrue(doc.path("train_images_per_second").asDouble() > 0, doc.toString());
        assertEquals(0.0, doc.path("finetune_seconds").asDouble(), "no fine-tuning method was asked for");
        assertTrue(doc.path("inference_images_per_second").asDouble() > 0, doc.toString());
        assertEquals("base", doc.path("models").get(0).path("model").asText());
    }

    @Test
    void withMasksEveryModelIsAlsoScoredByMaskAp(@TempDir Path dir) throws Exception {
        // the tiny form of docs/benchmarks.md's "Mask head" command (which trains small for minutes):
        // ./bagsflow bench detector --preset small --iterations 200 --methods BAGS --threads 2 --masks --json
        // masks.json
        Path json = dir.resolve("masks.json");
        CommandOutput run = tinyBench(dir, json, "BAGS", "--masks");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertTrue(doc.path("masks").asBoolean(), doc.toString());
        assertEquals(2, doc.path("models").size(), doc.toString());
        for (JsonNode model : doc.path("models")) {
            for (String key : List.of("mask_ap", "mask_apr", "mask_apc", "mask_apf")) {
                assertTrue(model.has(key), key + " missing from " + model);
            }
        }
    }

    /** {@code bench detector --preset tiny --iterations 20 --threads 1} with these methods and extra options. */
    private static CommandOutput tinyBench(Path dir, Path json, String methods, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "bench", "detector", "--preset", "tiny", "--iterations", "20", "--methods", methods, "--threads", "1"));
        args.addAll(List.of(extra));
        args.addAll(List.of("--work", dir.resolve("work").toString(), "--json", json.toString()));
        return CommandOutput.run(Map.of(), args.toArray(String[]::new));
    }
}

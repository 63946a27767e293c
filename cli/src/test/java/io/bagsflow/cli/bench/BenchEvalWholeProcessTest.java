package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.ml.eval.EvalCase;
import io.bagsflow.ml.eval.IouType;
import io.bagsflow.ml.eval.LvisEvaluation;
import io.bagsflow.ml.eval.LvisEvaluationJson;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.eval.SyntheticSegmCase;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisResultsWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench eval}'s whole-process cases: the segm case is generated, written and evaluated by a fresh
 * {@code bagsflow eval} process; the comparison with the official output finds a difference of one ulp in any
 * value. Which times come out is the benchmark's business, not this test's.
 */
class BenchEvalWholeProcessTest {

    @TempDir
    Path dir;

    @Test
    void theSegmCaseIsWrittenAndEvaluatedByAFreshEvalProcess() throws IOException {
        Path work = dir.resolve("segm");
        CommandOutput run = CommandOutput.run(
                Map.of(),
                "bench",
                "eval",
                "--iou-type",
                "segm",
                "--detections",
                "2000",
                "--threads",
                "1",
                "--dir",
                work.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("segm case: 10 images, 300 categories"), run.out());
        assertTrue(run.out().contains("bagsflow eval --iou-type segm --threads 1: "), run.out());
        // what the child wrote is the evaluation of the files the benchmark wrote
        LvisEvaluation child = LvisEvaluationJson.read(work.resolve("segm_ours.json"));
        LvisEvaluation here = LvisEvaluator.evaluate(
                work.resolve("segm_annotations.json"), work.resolve("segm_results.json"), IouType.SEGM, 1);
        assertEquals(here.metrics(), child.metrics());
    }

    @Test
    void segmTakesNoScaleBecauseItsSizeIsItsDetectionCount() {
        CommandOutput run = CommandOutput.run(Map.of(), "bench", "eval", "--iou-type", "segm", "--scale", "lvis-v1");

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out());
        assertTrue(run.err().contains("--iou-type segm has its own size"), run.err());
    }

    @Test
    void identicalNumbersAgreeAndOneUlpAnywhereIsADifference() throws IOException {
        EvalCase c = SyntheticSegmCase.generate(6, 12, 20, 60, 2);
        Path gt = dir.resolve("gt.json");
        Path dt = dir.resolve("dt.json");
        LvisDatasetWriter.write(c.annotations(), gt);
        LvisResultsWriter.write(c.detections(), dt);
        Path ours = dir.resolve("ours.json");
        LvisEvaluationJson.write(LvisEvaluator.evaluate(gt, dt, IouType.SEGM, 1), ours);
        // the official script writes the same keys; a copy of ours is an official output that agrees
        Path official = dir.resolve("official.json");
        Files.copy(ours, official);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        EvalProcessBenchmark bench =
                new EvalProcessBenchmark(dir, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertEquals(0, bench.compare(ours, official));
        assertTrue(
                printed.toString(StandardCharsets.UTF_8).contains("identical to the last digit"), printed.toString());

        ObjectMapper mapper = new ObjectMapper();
        ObjectNode tree = (ObjectNode) mapper.readTree(official.toFile());
        ObjectNode category = (ObjectNode) tree.get("per_category").get(3);
        double ap = category.get("ap").doubleValue();
        category.put("ap", Math.nextUp(ap));
        mapper.writeValue(official.toFile(), tree);
        printed.reset();

        assertEquals(1, bench.compare(ours, official));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("1 of 133 values DIFFER"), out);
        assertTrue(out.contains("category " + category.get("category_id").asInt() + " ap: ours " + ap), out);
    }
}

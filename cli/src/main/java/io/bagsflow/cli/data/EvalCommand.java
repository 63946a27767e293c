package io.bagsflow.cli.data;

import io.bagsflow.cli.ExitCodes;
import io.bagsflow.ml.eval.IouType;
import io.bagsflow.ml.eval.LvisEvaluation;
import io.bagsflow.ml.eval.LvisEvaluationJson;
import io.bagsflow.ml.eval.LvisEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "LVIS bbox or mask (segm) evaluation of a results file, with the official lvis-api's numbers.",
            "Prints the summary as a markdown table; --json writes the 13 metrics and per-category values."
        })
public final class EvalCommand implements Callable<Integer> {

    @Option(
            names = "--gt",
            required = true,
            paramLabel = "ANNOTATIONS.json",
            description = "LVIS-format annotation file (v0.5 or v1)")
    Path gt;

    @Option(
            names = "--dt",
            required = true,
            paramLabel = "RESULTS.json",
            description = "results: [{\"image_id\", \"category_id\", \"bbox\": [x, y, w, h], \"score\"}, ...]; for segm"
                    + " each with \"segmentation\": {\"size\": [h, w], \"counts\": \"...\"} (or integer counts, or"
                    + " polygons) and optionally \"bbox\"")
    Path dt;

    @Option(
            names = "--iou-type",
            defaultValue = "bbox",
            paramLabel = "TYPE",
            completionCandidates = IouTypes.class,
            description = "bbox (box IoU) or segm (mask IoU, as lvis-api's iou_type=\"segm\"); default bbox")
    String iouType;

    @Option(
            names = "--json",
            paramLabel = "OUT.json",
            description = "also write {\"results\": {...13 keys}, \"per_category\": [...]} (-1.0 = undefined)")
    Path json;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "categories evaluated in parallel (default: all cores)")
    Integer threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        IouType type;
        try {
            type = IouType.fromCode(iouType);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--iou-type: " + e.getMessage());
        }
        LvisEvaluation evaluation = LvisEvaluator.evaluate(gt, dt, type, n);
        out.print(evaluation.markdownTable());
        if (json != null) {
            LvisEvaluationJson.write(evaluation, json);
            out.println("wrote " + json);
        }
        return ExitCodes.OK;
    }

    /** The --iou-type values, for help and completion. */
    static final class IouTypes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(IouType.values()).map(IouType::code).iterator();
        }
    }
}

package io.bagsflow.bench.micro;

import io.bagsflow.ml.eval.EvalCase;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.eval.SyntheticEvalCase;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisResults;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * LVIS bbox evaluation of a small synthetic case ({@link SyntheticEvalCase}: by default 100 images, 50 categories,
 * 10 to 100 detections per image, about 5,500), on one thread so the figure is the code's, not the scheduler's.
 * {@code evaluate} reuses the ground-truth index, as the detector benchmark does for its models; {@code
 * indexAndEvaluate} builds it too, as one {@code bagsflow eval} does after reading the files. {@code -p images=N}
 * and {@code -p categories=N} change the size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EvalMicro {

    @Param("100")
    public int images;

    @Param("50")
    public int categories;

    private LvisDataset annotations;
    private LvisResults detections;
    private LvisEvaluator evaluator;

    @Setup
    public void generate() {
        EvalCase c = SyntheticEvalCase.generate(images, categories, 10, 100, 1);
        annotations = c.annotations();
        detections = c.detections();
        evaluator = new LvisEvaluator(annotations, "synthetic_annotations.json", 1);
    }

    @Benchmark
    public LvisMetrics evaluate() {
        return evaluator.evaluate(detections, "synthetic_results.json").metrics();
    }

    @Benchmark
    public LvisMetrics indexAndEvaluate() {
        return new LvisEvaluator(annotations, "synthetic_annotations.json", 1)
                .evaluate(detections, "synthetic_results.json")
                .metrics();
    }
}

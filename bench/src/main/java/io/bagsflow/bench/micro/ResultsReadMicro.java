package io.bagsflow.bench.micro;

import io.bagsflow.ml.eval.SyntheticEvalCase;
import io.bagsflow.ml.eval.SyntheticSegmCase;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsReader;
import io.bagsflow.ml.lvis.LvisResultsWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * Reading an LVIS results file with {@link LvisResultsReader}, from bytes in memory so that the disk is not
 * timed: {@code readBoxes} a box-only file of a synthetic bbox case (by default 200 images, 100 categories, 10 to
 * 100 detections per image, about 11,000), {@code readMasks} a compressed-RLE file of a synthetic segm case (20
 * images, 20 to 60 detections each; JMH's report shows {@code images} beside it too, but it is the box file's).
 * The files are what {@link LvisResultsWriter} writes, as in bench eval.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ResultsReadMicro {

    @Param("200")
    public int images;

    private byte[] boxes;
    private byte[] masks;

    @Setup
    public void write() throws IOException {
        boxes = bytes(SyntheticEvalCase.generate(images, 100, 10, 100, 1).detections());
        masks = bytes(SyntheticSegmCase.generate(20, 20, 20, 60, 1).detections());
    }

    private static byte[] bytes(LvisResults results) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LvisResultsWriter.write(results, out);
        return out.toByteArray();
    }

    @Benchmark
    public LvisResults readBoxes() throws IOException {
        return LvisResultsReader.read(new ByteArrayInputStream(boxes), "synthetic_results.json");
    }

    @Benchmark
    public LvisResults readMasks() throws IOException {
        return LvisResultsReader.readWithMasks(new ByteArrayInputStream(masks), "synthetic_segm_results.json");
    }
}

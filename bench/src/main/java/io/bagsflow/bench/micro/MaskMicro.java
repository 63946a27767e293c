package io.bagsflow.bench.micro;

import io.bagsflow.ml.eval.EvalCase;
import io.bagsflow.ml.eval.SyntheticSegmCase;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.mask.Rle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two mask primitives of segm evaluation on a synthetic mask case ({@link SyntheticSegmCase}: by default 20
 * images of the common LVIS sizes, 20 categories, 20 to 60 detections per image): {@code decodeCompressedRle}
 * decodes every detection's compressed-RLE string ({@code rleFrString}), {@code maskIou} computes the IoU of every
 * detection's mask with every GT mask of its image ({@code rleIou}), both per whole case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MaskMicro {

    @Param("20")
    public int images;

    @Param("20")
    public int categories;

    private int[] heights;
    private int[] widths;
    private String[] compressed;
    private Rle[] masks;
    /** GT masks of detection i's image at {@code gt[i]} */
    private Rle[][] gt;

    @Setup
    public void generate() {
        EvalCase c = SyntheticSegmCase.generate(images, categories, 20, 60, 1);
        Map<Integer, LvisImage> imagesById = new HashMap<>();
        for (LvisImage image : c.annotations().images()) {
            imagesById.put(image.id(), image);
        }
        Map<Integer, List<Rle>> gtByImage = new HashMap<>();
        for (LvisAnnotation a : c.annotations().annotations()) {
            LvisImage image = imagesById.get(a.imageId());
            gtByImage
                    .computeIfAbsent(a.imageId(), k -> new ArrayList<>())
                    .add(a.segmentation().toRle(image.height(), image.width()));
        }
        LvisResults dt = c.detections();
        int n = dt.size();
        heights = new int[n];
        widths = new int[n];
        compressed = new String[n];
        masks = new Rle[n];
        gt = new Rle[n][];
        for (int i = 0; i < n; i++) {
            Rle m = dt.mask(i);
            if (m == null) {
                throw new IllegalStateException("synthetic segm detection " + i + " has no RLE mask");
            }
            masks[i] = m;
            heights[i] = m.height();
            widths[i] = m.width();
            compressed[i] = m.toCompressedString();
            gt[i] = gtByImage.getOrDefault(dt.imageId(i), List.of()).toArray(Rle[]::new);
        }
    }

    @Benchmark
    public void decodeCompressedRle(Blackhole bh) {
        for (int i = 0; i < compressed.length; i++) {
            bh.consume(Rle.fromCompressedString(heights[i], widths[i], compressed[i]));
        }
    }

    @Benchmark
    public double maskIou() {
        double sum = 0;
        for (int i = 0; i < masks.length; i++) {
            for (Rle g : gt[i]) {
                sum += Rle.iou(masks[i], g);
            }
        }
        return sum;
    }
}

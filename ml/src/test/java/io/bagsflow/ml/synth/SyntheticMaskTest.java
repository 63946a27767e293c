package io.bagsflow.ml.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.mask.Segmentation;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticMaskTest {

    @TempDir
    Path tmp;

    @Test
    void everyAnnotationCarriesItsShapesPolygonInsideItsBox() {
        SyntheticSummary s = SyntheticDataset.generate(SyntheticPreset.TINY, 3, tmp);
        SyntheticPlan plan = SyntheticPlanner.plan(SyntheticPreset.TINY, 3);
        for (Path file : List.of(s.train(), s.val())) {
            LvisDataset d = LvisDatasetReader.readWithSegmentations(file);
            assertTrue(d.annotations().size() > 10, file.toString());
            for (LvisAnnotation a : d.annotations()) {
                assertNotNull(a.segmentation(), "annotation " + a.id() + " of " + file);
                Segmentation.Polygons seg = (Segmentation.Polygons) a.segmentation();
                assertEquals(1, seg.parts().size());
                Shape shape = plan.classes().get(a.categoryId() - 1).shape();
                double[] p = seg.parts().get(0);
                assertEquals(
                        List.of(toList(shape.polygon((int) a.x(), (int) a.y(), (int) a.w(), (int) a.h()))),
                        List.of(toList(p)));
                for (int k = 0; k < p.length; k += 2) {
                    assertTrue(p[k] >= a.x() && p[k] <= a.x() + a.w(), "x inside the box of " + a.id());
                    assertTrue(p[k + 1] >= a.y() && p[k + 1] <= a.y() + a.h(), "y inside the box of " + a.id());
                }
            }
        }
        // the plain reader keeps skipping them, so large files stay small in memory
        assertTrue(LvisDatasetReader.read(s.train()).annotations().stream().allMatch(a -> a.segmentation() == null));
    }

    /**
     * Objects are saturated colours on a grey background whose noise is the same in all three channels, so the
     * drawn pixels are exactly those whose channels differ; the objects' polygons, filled, must cover them.
     */
    @Test
    void polygonsCoverTheRenderedPixels() {
        SyntheticPlan plan = SyntheticPlanner.plan(SyntheticPreset.TINY, 5);
        ImageRenderer renderer = new ImageRenderer(SyntheticPreset.TINY, plan.classes());
        int size = SyntheticPreset.TINY.imageSize;
        long drawn = 0;
        long differing = 0;
        int exactImages = 0;
        List<PlannedImage> images = new ArrayList<>(plan.trainImages());
        images.addAll(plan.valImages());
        for (PlannedImage img : images) {
            BufferedImage rendered = renderer.render(img);
            boolean[] fromPolygons = fill(img.objects(), plan, size);
            boolean hasEllipse = false;
            for (PlannedObject o : img.objects()) {
                hasEllipse |= plan.classes().get(o.categoryId() - 1).shape() == Shape.ELLIPSE;
            }
            int imageDiff = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = rendered.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff;
                    int g = (rgb >> 8) & 0xff;
                    int b = rgb & 0xff;
                    boolean coloured = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 12;
                    drawn += coloured ? 1 : 0;
                    imageDiff += coloured != fromPolygons[y * size + x] ? 1 : 0;
                }
            }
            differing += imageDiff;
            if (!hasEllipse) {
                assertEquals(0, imageDiff, "straight-edged shapes are exact, image " + img.id());
                exactImages++;
            }
        }
        assertTrue(exactImages > 0 && exactImages < images.size(), "both kinds of images checked");
        assertTrue(drawn > 10_000, "drawn pixels " + drawn);
        // only ellipse rims differ: a chord of the 64-gon against the curve, at most a pixel here and there
        assertTrue(differing < drawn / 200, differing + " of " + drawn + " pixels differ");
    }

    private static boolean[] fill(List<PlannedObject> objects, SyntheticPlan plan, int size) {
        BufferedImage mask = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = mask.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
        g.setColor(Color.WHITE);
        for (PlannedObject o : objects) {
            double[] p = plan.classes().get(o.categoryId() - 1).shape().polygon(o.x(), o.y(), o.w(), o.h());
            Path2D.Double path = new Path2D.Double();
            path.moveTo(p[0], p[1]);
            for (int k = 2; k < p.length; k += 2) {
                path.lineTo(p[k], p[k + 1]);
            }
            path.closePath();
            g.fill(path);
        }
        g.dispose();
        boolean[] out = new boolean[size * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = (mask.getRGB(i % size, i / size) & 0xff) != 0;
        }
        return out;
    }

    private static List<Double> toList(double[] a) {
        List<Double> out = new ArrayList<>();
        for (double v : a) {
            out.add(v);
        }
        return out;
    }
}

package io.bagsflow.ml.lvis;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@link LvisResults} as an LVIS results file, in order, with shortest round-trip doubles, streaming.
 * Masks are written as given: RLEs with their string or integer counts, polygons as lists; a box only where
 * the detection had one (lvis-api decides the detection area by whether the first record has a box).
 */
public final class LvisResultsWriter {

    private LvisResultsWriter() {}

    public static void write(LvisResults results, Path file) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(results, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void write(LvisResults r, OutputStream out) throws IOException {
        try (JsonGenerator g = LvisDatasetReader.JSON.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < r.size(); i++) {
                g.writeStartObject();
                g.writeNumberField("image_id", r.imageId(i));
                g.writeNumberField("category_id", r.categoryId(i));
                if (r.hasMasks() && r.maskKind(i) != LvisResults.MaskKind.NONE) {
                    g.writeFieldName("segmentation");
                    LvisDatasetWriter.writeSegmentation(g, r.segmentation(i));
                }
                if (r.hasBox(i)) {
                    g.writeArrayFieldStart("bbox");
                    g.writeNumber(r.x(i));
                    g.writeNumber(r.y(i));
                    g.writeNumber(r.w(i));
                    g.writeNumber(r.h(i));
                    g.writeEndArray();
                }
                g.writeNumberField("score", r.score(i));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }
}

package io.bagsflow.ml.lvis;

import com.fasterxml.jackson.core.JsonGenerator;
import io.bagsflow.ml.mask.Segmentation;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an {@link LvisDataset} as an LVIS-format annotation file. The output depends only on the dataset
 * (fixed key order, Java's shortest round-trip doubles), so the same dataset always gives the same bytes.
 */
public final class LvisDatasetWriter {

    private LvisDatasetWriter() {}

    public static void write(LvisDataset dataset, Path file) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(dataset, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void write(LvisDataset dataset, OutputStream out) throws IOException {
        try (JsonGenerator g = LvisDatasetReader.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("info");
            g.writeStringField("description", "written by bagsflow");
            g.writeEndObject();
            g.writeArrayFieldStart("licenses");
            g.writeEndArray();

            g.writeArrayFieldStart("categories");
            for (LvisCategory cat : dataset.categories()) {
                g.writeStartObject();
                g.writeNumberField("id", cat.id());
                g.writeStringField("name", cat.name());
                g.writeArrayFieldStart("synonyms");
                for (String s : cat.synonyms()) {
                    g.writeString(s);
                }
                g.writeEndArray();
                if (cat.def() != null) {
                    g.writeStringField("def", cat.def());
                }
                if (cat.synset() != null) {
                    g.writeStringField("synset", cat.synset());
                }
                if (cat.frequency() != null) {
                    g.writeStringField("frequency", cat.frequency().code());
                }
                if (cat.imageCount() >= 0) {
                    g.writeNumberField("image_count", cat.imageCount());
                }
                if (cat.instanceCount() >= 0) {
                    g.writeNumberField("instance_count", cat.instanceCount());
                }
                g.writeEndObject();
            }
            g.writeEndArray();

            g.writeArrayFieldStart("images");
            for (LvisImage img : dataset.images()) {
                g.writeStartObject();
                g.writeNumberField("id", img.id());
                g.writeNumberField("width", img.width());
                g.writeNumberField("height", img.height());
                if (img.fileName() != null) {
                    g.writeStringField("file_name", img.fileName());
                }
                if (img.cocoUrl() != null) {
                    g.writeStringField("coco_url", img.cocoUrl());
                }
                writeInts(g, "neg_category_ids", img.negCategoryIds());
                writeInts(g, "not_exhaustive_category_ids", img.notExhaustiveCategoryIds());
                g.writeEndObject();
            }
            g.writeEndArray();

            g.writeArrayFieldStart("annotations");
            for (LvisAnnotation a : dataset.annotations()) {
                g.writeStartObject();
                g.writeNumberField("id", a.id());
                g.writeNumberField("image_id", a.imageId());
                g.writeNumberField("category_id", a.categoryId());
                g.writeArrayFieldStart("bbox");
                g.writeNumber(a.x());
                g.writeNumber(a.y());
                g.writeNumber(a.w());
                g.writeNumber(a.h());
                g.writeEndArray();
                g.writeNumberField("area", a.area());
                if (a.segmentation() != null) {
                    g.writeFieldName("segmentation");
                    writeSegmentation(g, a.segmentation());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** A segmentation as LVIS writes it: a polygon list, or an RLE object with string or integer counts. */
    public static void writeSegmentation(JsonGenerator g, Segmentation s) throws IOException {
        if (s instanceof Segmentation.Polygons p) {
            g.writeStartArray();
            for (double[] part : p.parts()) {
                g.writeArray(part, 0, part.length);
            }
            g.writeEndArray();
            return;
        }
        g.writeStartObject();
        if (s instanceof Segmentation.CompressedRle r) {
            writeSize(g, r.height(), r.width());
            g.writeStringField("counts", r.counts());
        } else if (s instanceof Segmentation.UncompressedRle r) {
            writeSize(g, r.height(), r.width());
            writeInts(g, "counts", r.counts());
        }
        g.writeEndObject();
    }

    private static void writeSize(JsonGenerator g, int height, int width) throws IOException {
        g.writeArrayFieldStart("size");
        g.writeNumber(height);
        g.writeNumber(width);
        g.writeEndArray();
    }

    private static void writeInts(JsonGenerator g, String key, int[] values) throws IOException {
        g.writeArrayFieldStart(key);
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }
}

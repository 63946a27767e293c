package io.bagsflow.ml.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisFormatException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An evaluation as JSON, with the key names and meanings of the golden {@code expected.json} files:
 * <pre>{@code
 * {"results": {"AP": ..., "AP50": ..., ..., "ARl@300": ...},
 *  "per_category": [{"category_id", "frequency", "ap", "ap50", "ap75", "aps", "apm", "apl",
 *                    "ar", "ars", "arm", "arl", "ap_per_iou", "recall_per_iou", "num_gt", "num_dt",
 *                    "num_tp_iou50"}, ...],
 *  "counts": {"input_detections", ..., "freq_group_sizes": {"r", "c", "f"}}}
 * }</pre>
 * {@code per_category} has every category of the annotation file, sorted by id; -1.0 means undefined. Doubles
 * are written with {@link Double#toString}, so reading them back gives the same doubles.
 */
public final class LvisEvaluationJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = JsonMappers.strict();

    private LvisEvaluationJson() {}

    public static void write(LvisEvaluation evaluation, Path file) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(evaluation, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void write(LvisEvaluation e, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("results");
            double[] values = e.metrics().values();
            for (int i = 0; i < values.length; i++) {
                g.writeNumberField(LvisMetrics.KEYS.get(i), values[i]);
            }
            g.writeEndObject();

            g.writeArrayFieldStart("per_category");
            for (CategoryEvaluation c : e.perCategory()) {
                g.writeStartObject();
                g.writeNumberField("category_id", c.categoryId());
                g.writeStringField(
                        "frequency",
                        c.frequency() == null ? null : c.frequency().code());
                for (int i = 0; i < CategoryEvaluation.KEYS.size(); i++) {
                    g.writeNumberField(
                            CategoryEvaluation.KEYS.get(i), c.values().get(i));
                }
                writeDoubles(g, "ap_per_iou", c.apPerIou());
                writeDoubles(g, "recall_per_iou", c.recallPerIou());
                g.writeNumberField("num_gt", c.numGt());
                g.writeNumberField("num_dt", c.numDt());
                g.writeNumberField("num_tp_iou50", c.numTpIou50());
                g.writeEndObject();
            }
            g.writeEndArray();

            EvalCounts n = e.counts();
            g.writeObjectFieldStart("counts");
            g.writeNumberField("input_detections", n.inputDetections());
            g.writeNumberField("after_max_dets_per_image", n.afterMaxDetsPerImage());
            g.writeNumberField("after_category_and_positive_area_filter", n.afterCategoryAndPositiveAreaFilter());
            g.writeNumberField("after_federated_filter", n.afterFederatedFilter());
            g.writeNumberField("gt_annotations_used", n.gtAnnotationsUsed());
            g.writeNumberField("images", n.images());
            g.writeNumberField("categories", n.categories());
            g.writeNumberField("categories_with_gt", n.categoriesWithGt());
            g.writeNumberField("categories_with_ap", n.categoriesWithAp());
            g.writeObjectFieldStart("freq_group_sizes");
            g.writeNumberField("r", n.rareCategories());
            g.writeNumberField("c", n.commonCategories());
            g.writeNumberField("f", n.frequentCategories());
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeDoubles(JsonGenerator g, String key, List<Double> values) throws IOException {
        g.writeArrayFieldStart(key);
        for (double v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    /** Reads a file written by {@link #write}; the doubles are exactly those written. */
    public static LvisEvaluation read(Path file) {
        String name = file.toString();
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = MAPPER.readTree(in);
        } catch (NoSuchFileException e) {
            throw new LvisFormatException(name, "", "file not found");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : "line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw new LvisFormatException(name, where, "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LvisFormatException(name, "", "cannot read: " + e.getMessage(), e);
        }
        Reader r = new Reader(name);
        JsonNode results = r.field(root, "results", "results");
        double[] values = new double[LvisMetrics.KEYS.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.number(results, LvisMetrics.KEYS.get(i), "results");
        }
        JsonNode list = r.field(root, "per_category", "per_category");
        List<CategoryEvaluation> perCategory = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String at = "per_category[" + i + "]";
            JsonNode freq = c.get("frequency");
            List<Double> categoryValues = new ArrayList<>(CategoryEvaluation.KEYS.size());
            for (String key : CategoryEvaluation.KEYS) {
                categoryValues.add(r.number(c, key, at));
            }
            perCategory.add(new CategoryEvaluation(
                    r.integer(c, "category_id", at),
                    freq == null || freq.isNull() ? null : Frequency.fromCode(freq.asText()),
                    categoryValues,
                    r.numbers(c, "ap_per_iou", at),
                    r.numbers(c, "recall_per_iou", at),
                    r.integer(c, "num_gt", at),
                    r.integer(c, "num_dt", at),
                    r.integer(c, "num_tp_iou50", at)));
        }
        JsonNode n = r.field(root, "counts", "counts");
        JsonNode groups = r.field(n, "freq_group_sizes", "counts");
        EvalCounts counts = new EvalCounts(
                r.integer(n, "input_detections", "counts"),
                r.integer(n, "after_max_dets_per_image", "counts"),
                r.integer(n, "after_category_and_positive_area_filter", "counts"),
                r.integer(n, "after_federated_filter", "counts"),
                r.integer(n, "gt_annotations_used", "counts"),
                r.integer(n, "images", "counts"),
                r.integer(n, "categories", "counts"),
                r.integer(n, "categories_with_gt", "counts"),
                r.integer(n, "categories_with_ap", "counts"),
                r.integer(groups, "r", "counts.freq_group_sizes"),
                r.integer(groups, "c", "counts.freq_group_sizes"),
                r.integer(groups, "f", "counts.freq_group_sizes"));
        return new LvisEvaluation(LvisMetrics.of(values), perCategory, counts);
    }

    private record Reader(String file) {

        JsonNode field(JsonNode node, String key, String at) {
            JsonNode v = node.get(key);
            if (v == null) {
                throw new LvisFormatException(file, at, "missing required key \"" + key + "\"");
            }
            return v;
        }

        double number(JsonNode node, String key, String at) {
            JsonNode v = field(node, key, at);
            if (!v.isNumber()) {
                throw new LvisFormatException(file, at, "\"" + key + "\" must be a number");
            }
            return v.doubleValue();
        }

        int integer(JsonNode node, String key, String at) {
            JsonNode v = field(node, key, at);
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw new LvisFormatException(file, at, "\"" + key + "\" must be an integer");
            }
            return v.intValue();
        }

        List<Double> numbers(JsonNode node, String key, String at) {
            JsonNode v = field(node, key, at);
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isNumber()) {
                    throw new LvisFormatException(file, at, "\"" + key + "\"[" + i + "] must be a number");
                }
                out.add(v.get(i).doubleValue());
            }
            return out;
        }
    }
}

package io.bagsflow.ml.lvis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.bagsflow.ml.mask.Segmentation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads LVIS-format annotation files (v0.5 and v1) with Jackson's streaming parser: no JSON tree is built and,
 * unless {@link #readWithSegmentations} is asked for, segmentation polygons are skipped, so LVIS v1 train
 * (about 1 GB) loads in a few hundred MB of heap. Mask evaluation and dataset checks keep them.
 *
 * <p>Checks the syntax and the types of the keys it keeps, and that the required keys are there:
 * {@code images}, {@code annotations} and {@code categories} at the top; {@code id}, {@code width},
 * {@code height} per image; {@code id}, {@code image_id}, {@code category_id}, {@code bbox} (4 finite numbers)
 * per annotation; {@code id} and {@code name} per category. Cross-record checks (duplicate ids, unknown
 * references, boxes outside the image) belong to dataset validation, which sees the whole file.
 */
public final class LvisDatasetReader {

    static final JsonFactory JSON = JsonFactory.builder()
            // Python's json module writes NaN and Infinity; accept them so the error can say "not finite".
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Jackson's port of FastDoubleParser: correctly rounded like Double.parseDouble, several times faster;
            // results files are mostly doubles (6 million detections at LVIS-val scale).
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private LvisDatasetReader() {}

    public static LvisDataset read(Path file) {
        return JsonCursor.readFile(file, LvisDatasetReader::read);
    }

    /** {@link #read(Path)} keeping each annotation's {@code segmentation} (types checked, values as given). */
    public static LvisDataset readWithSegmentations(Path file) {
        return JsonCursor.readFile(file, (in, name) -> read(in, name, true));
    }

    public static LvisDataset read(InputStream in, String name) throws IOException {
        return read(in, name, false);
    }

    public static LvisDataset read(InputStream in, String name, boolean keepSegmentations) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            JsonCursor c = new JsonCursor(parser, name);
            c.next();
            c.expect(JsonToken.START_OBJECT, "a JSON object with images, annotations and categories");
            List<LvisImage> images = null;
            List<LvisAnnotation> annotations = null;
            List<LvisCategory> categories = null;
            for (String key = c.nextField(); key != null; key = c.nextField()) {
                switch (key) {
                    case "images" -> images = readArray(c, key, LvisDatasetReader::readImage);
                    case "annotations" ->
                        annotations = readArray(c, key, (cur, path) -> readAnnotation(cur, path, keepSegmentations));
                    case "categories" -> categories = readArray(c, key, LvisDatasetReader::readCategory);
                    default -> c.skipValue();
                }
            }
            c.record("");
            c.expect(JsonToken.END_OBJECT, "end of the top-level object");
            if (c.next() != null) {
                throw c.problem("unexpected content after the top-level object");
            }
            if (images == null) {
                throw new LvisFormatException(name, "top level", "missing required key \"images\"");
            }
            if (annotations == null) {
                throw new LvisFormatException(name, "top level", "missing required key \"annotations\"");
            }
            if (categories == null) {
                throw new LvisFormatException(name, "top level", "missing required key \"categories\"");
            }
            return new LvisDataset(images, annotations, categories);
        }
    }

    private interface ElementReader<T> {
        T read(JsonCursor c, String path);
    }

    private static <T> List<T> readArray(JsonCursor c, String key, ElementReader<T> reader) {
        c.record(key);
        c.expect(JsonToken.START_ARRAY, "\"" + key + "\": an array");
        List<T> out = new ArrayList<>();
        while (c.next() != JsonToken.END_ARRAY) {
            String path = key + "[" + out.size() + "]";
            c.record(path);
            c.expect(JsonToken.START_OBJECT, "an object");
            out.add(reader.read(c, path));
        }
        c.record("");
        return out;
    }

    private static void requireKeys(JsonCursor c, Set<String> seen, String... keys) {
        for (String k : keys) {
            if (!seen.contains(k)) {
                throw c.problem("missing required key \"" + k + "\"");
            }
        }
    }

    private static LvisImage readImage(JsonCursor c, String path) {
        int id = 0;
        int width = 0;
        int height = 0;
        String fileName = null;
        String cocoUrl = null;
        int[] neg = new int[0];
        int[] notExhaustive = new int[0];
        Set<String> seen = new java.util.HashSet<>();
        for (String key = c.nextField(); key != null; key = c.nextField()) {
            seen.add(key);
            switch (key) {
                case "id" -> id = c.recordId(key, path);
                case "width" -> width = c.intValue(key);
                case "height" -> height = c.intValue(key);
                case "file_name" -> fileName = c.stringValue(key);
                case "coco_url" -> cocoUrl = c.stringValue(key);
                case "neg_category_ids" -> neg = c.intArray(key);
                case "not_exhaustive_category_ids" -> notExhaustive = c.intArray(key);
                default -> c.skipValue();
            }
        }
        requireKeys(c, seen, "id", "width", "height");
        if (fileName != null && fileName.isEmpty()) {
            fileName = null;
        }
        if (cocoUrl != null && cocoUrl.isEmpty()) {
            cocoUrl = null;
        }
        return new LvisImage(id, width, height, fileName, cocoUrl, neg, notExhaustive);
    }

    private static LvisAnnotation readAnnotation(JsonCursor c, String path, boolean keepSegmentations) {
        long id = 0;
        int imageId = 0;
        int categoryId = 0;
        double[] bbox = null;
        double area = Double.NaN;
        Segmentation segmentation = null;
        // Bit flags rather than a set: LVIS v1 train has 1.3 million annotations.
        int seen = 0;
        for (String key = c.nextField(); key != null; key = c.nextField()) {
            switch (key) {
                case "id" -> {
                    id = c.longValue(key);
                    seen |= 1;
                    c.record(path + " (id " + id + ")");
                }
                case "image_id" -> {
                    imageId = c.intValue(key);
                    seen |= 2;
                }
                case "category_id" -> {
                    categoryId = c.intValue(key);
                    seen |= 4;
                }
                case "bbox" -> {
                    bbox = c.bbox(key);
                    seen |= 8;
                }
                case "area" -> area = c.doubleValue(key);
                case "segmentation" -> {
                    if (keepSegmentations && c.current() != JsonToken.VALUE_NULL) {
                        segmentation = c.segmentation(key);
                    } else {
                        c.skipValue();
                    }
                }
                default -> c.skipValue();
            }
        }
        String[] required = {"id", "image_id", "category_id", "bbox"};
        for (int i = 0; i < required.length; i++) {
            if ((seen & (1 << i)) == 0) {
                throw c.problem("missing required key \"" + required[i] + "\"");
            }
        }
        if (Double.isNaN(area)) {
            // LVIS stores the mask area; without a mask the box is the best stand-in.
            area = bbox[2] * bbox[3];
        }
        return new LvisAnnotation(id, imageId, categoryId, bbox[0], bbox[1], bbox[2], bbox[3], area, segmentation);
    }

    private static LvisCategory readCategory(JsonCursor c, String path) {
        int id = 0;
        String name = null;
        List<String> synonyms = List.of();
        String def = null;
        String synset = null;
        Frequency frequency = null;
        int imageCount = -1;
        int instanceCount = -1;
        Set<String> seen = new java.util.HashSet<>();
        for (String key = c.nextField(); key != null; key = c.nextField()) {
            seen.add(key);
            switch (key) {
                case "id" -> id = c.recordId(key, path);
                case "name" -> name = c.stringValue(key);
                case "synonyms" -> synonyms = c.stringList(key);
                case "def" -> def = c.stringValue(key);
                case "synset" -> synset = c.stringValue(key);
                case "frequency" -> {
                    String code = c.stringValue(key);
                    frequency = code == null ? null : Frequency.fromCode(code);
                    if (code != null && frequency == null) {
                        throw c.problem("\"frequency\" must be \"r\", \"c\" or \"f\", found \"" + code + "\"");
                    }
                }
                case "image_count" -> imageCount = c.intValue(key);
                case "instance_count" -> instanceCount = c.intValue(key);
                default -> c.skipValue();
            }
        }
        requireKeys(c, seen, "id", "name");
        return new LvisCategory(id, name, synonyms, def, synset, frequency, imageCount, instanceCount);
    }
}

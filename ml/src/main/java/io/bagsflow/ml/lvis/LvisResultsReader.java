package io.bagsflow.ml.lvis;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads an LVIS results file, {@code [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}, ...]}, with the
 * streaming parser into {@link LvisResults}. Every entry needs all four keys; the bbox must be 4 finite numbers
 * with non-negative width and height (zero is allowed: the evaluator drops empty boxes as the official one
 * does); the score must be finite. Other keys (such as "segmentation") are skipped.
 */
public final class LvisResultsReader {

    private LvisResultsReader() {}

    public static LvisResults read(Path file) {
        return JsonCursor.readFile(file, LvisResultsReader::read);
    }

    public static LvisResults read(InputStream in, String name) throws IOException {
        LvisResults.Builder out = LvisResults.builder();
        try (JsonParser parser = LvisDatasetReader.JSON.createParser(in)) {
            JsonCursor c = new JsonCursor(parser, name);
            c.next();
            c.expect(JsonToken.START_ARRAY, "a JSON array of detections");
            int index = 0;
            while (c.next() != JsonToken.END_ARRAY) {
                c.element(index);
                c.expect(JsonToken.START_OBJECT, "a detection object");
                int imageId = 0;
                int categoryId = 0;
                double[] bbox = null;
                double score = 0;
                int seen = 0;
                for (String key = c.nextField(); key != null; key = c.nextField()) {
                    switch (key) {
                        case "image_id" -> {
                            imageId = c.intValue(key);
                            seen |= 1;
                        }
                        case "category_id" -> {
                            categoryId = c.intValue(key);
                            seen |= 2;
                        }
                        case "bbox" -> {
                            bbox = c.bbox(key);
                            if (bbox[2] < 0 || bbox[3] < 0) {
                                throw c.problem("\"bbox\" has a negative "
                                        + (bbox[2] < 0 ? "width " + bbox[2] : "height " + bbox[3])
                                        + "; expected [x, y, w, h] with w, h >= 0");
                            }
                            seen |= 4;
                        }
                        case "score" -> {
                            score = c.doubleValue(key);
                            if (!Double.isFinite(score)) {
                                throw c.problem("\"score\" must be a finite number, found " + score);
                            }
                            seen |= 8;
                        }
                        default -> c.skipValue();
                    }
                }
                String[] required = {"image_id", "category_id", "bbox", "score"};
                for (int i = 0; i < required.length; i++) {
                    if ((seen & (1 << i)) == 0) {
                        throw c.problem("missing required key \"" + required[i] + "\"");
                    }
                }
                out.add(imageId, categoryId, bbox[0], bbox[1], bbox[2], bbox[3], score);
                index++;
            }
            c.record("");
            if (c.next() != null) {
                throw c.problem("unexpected content after the results array");
            }
        }
        return out.build();
    }
}

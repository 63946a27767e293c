package io.bagsflow.ml.lvis;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bagsflow.ml.mask.Segmentation;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Jackson streaming parser that knows which file and record it is in, so that every problem it reports
 * names the file, the JSON path, the record id when known, and the line and column.
 */
final class JsonCursor {

    /** Reads a stream whose errors name it. */
    @FunctionalInterface
    interface StreamReader<T> {
        T read(InputStream in, String name) throws IOException;
    }

    /** Reads a file through {@code reader}; a missing or unreadable file is an error naming the file. */
    static <T> T readFile(Path file, StreamReader<T> reader) {
        String name = file.toString();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return reader.read(in, name);
        } catch (NoSuchFileException e) {
            throw new LvisFormatException(name, "", "file not found");
        } catch (IOException e) {
            throw new LvisFormatException(name, "", "cannot read: " + e.getMessage(), e);
        }
    }

    private final JsonParser parser;
    private final String file;
    private String record = "";
    /** the index of an element of the top-level array, named {@code [index]} only when a problem is reported */
    private int element = -1;

    JsonCursor(JsonParser parser, String file) {
        this.parser = parser;
        this.file = file;
    }

    String file() {
        return file;
    }

    /** Sets the record being read, such as {@code annotations[57]} or {@code annotations[57] (id 123)}. */
    void record(String record) {
        this.record = record;
        this.element = -1;
    }

    /** Reads the current value as a record's integer id, from then on naming the record by it in errors. */
    int recordId(String key, String path) {
        int id = intValue(key);
        record(path + " (id " + id + ")");
        return id;
    }

    /**
     * Sets the record to element {@code index} of the top-level array, {@code [index]}. Cheaper than
     * {@link #record(String)} for results files with millions of entries: the name is built only for an error.
     */
    void element(int index) {
        this.record = "";
        this.element = index;
    }

    /**
     * Moves onto the value of the current object's next field and returns the field's name; null at the end of the
     * object (the cursor then stands on its END_OBJECT). The one loop over an object's fields of every reader here.
     */
    String nextField() {
        if (next() != JsonToken.FIELD_NAME) {
            return null;
        }
        String key = fieldName();
        next();
        return key;
    }

    JsonToken next() {
        try {
            return parser.nextToken();
        } catch (JsonParseException e) {
            throw new LvisFormatException(file, at(e.getLocation()), "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LvisFormatException(file, at(parser.currentLocation()), "cannot read: " + e.getMessage(), e);
        }
    }

    JsonToken current() {
        return parser.currentToken();
    }

    String fieldName() {
        try {
            return parser.currentName();
        } catch (IOException e) {
            throw new LvisFormatException(file, where(), "cannot read: " + e.getMessage(), e);
        }
    }

    void skipValue() {
        try {
            parser.skipChildren();
        } catch (JsonParseException e) {
            throw new LvisFormatException(file, at(e.getLocation()), "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LvisFormatException(file, where(), "cannot read: " + e.getMessage(), e);
        }
    }

    void expect(JsonToken token, String what) {
        if (current() != token) {
            throw problem(what + " expected, found " + describe(current()));
        }
    }

    LvisFormatException problem(String problem) {
        return new LvisFormatException(file, where(), problem);
    }

    /** Where the parser is now: the record, line and column. */
    String where() {
        return at(parser.currentTokenLocation());
    }

    private String at(JsonLocation location) {
        String pos = location == null ? "" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
        String record = element >= 0 ? "[" + element + "]" : this.record;
        if (record.isEmpty()) {
            return pos;
        }
        return pos.isEmpty() ? record : record + ", " + pos;
    }

    int intValue(String key) {
        if (current() != JsonToken.VALUE_NUMBER_INT) {
            throw problem("\"" + key + "\" must be an integer, found " + describe(current()));
        }
        try {
            long v = parser.getLongValue();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw problem("\"" + key + "\" " + v + " does not fit in 32 bits");
            }
            return (int) v;
        } catch (IOException e) {
            throw problem("\"" + key + "\" is not a valid integer: " + e.getMessage());
        }
    }

    /**
     * {@link #intValue(String)} of element {@code index} of array {@code key}; the name {@code key[index]} is
     * built only for an error (results files have millions of these).
     */
    int intValue(String key, int index) {
        return intValue(key, "", index);
    }

    /** {@link #intValue(String, int)} of array {@code key + suffix}. */
    int intValue(String key, String suffix, int index) {
        if (current() == JsonToken.VALUE_NUMBER_INT) {
            try {
                long v = parser.getLongValue();
                if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    return (int) v;
                }
            } catch (IOException e) {
                // reported below with the element's name
            }
        }
        return intValue(key + suffix + "[" + index + "]");
    }

    /** {@link #doubleValue(String)} of element {@code index} of array {@code key}, named only for an error. */
    double doubleValue(String key, int index) {
        JsonToken t = current();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            try {
                return parser.getDoubleValue();
            } catch (IOException e) {
                // reported below with the element's name
            }
        }
        return doubleValue(key + "[" + index + "]");
    }

    long longValue(String key) {
        if (current() != JsonToken.VALUE_NUMBER_INT) {
            throw problem("\"" + key + "\" must be an integer, found " + describe(current()));
        }
        try {
            return parser.getLongValue();
        } catch (IOException e) {
            throw problem("\"" + key + "\" is not a valid integer: " + e.getMessage());
        }
    }

    double doubleValue(String key) {
        if (current() != JsonToken.VALUE_NUMBER_INT && current() != JsonToken.VALUE_NUMBER_FLOAT) {
            throw problem("\"" + key + "\" must be a number, found " + describe(current()));
        }
        try {
            return parser.getDoubleValue();
        } catch (IOException e) {
            throw problem("\"" + key + "\" is not a valid number: " + e.getMessage());
        }
    }

    /** A string, or null for JSON null. */
    String stringValue(String key) {
        if (current() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (current() != JsonToken.VALUE_STRING) {
            throw problem("\"" + key + "\" must be a string, found " + describe(current()));
        }
        try {
            return parser.getText();
        } catch (IOException e) {
            throw problem("cannot read \"" + key + "\": " + e.getMessage());
        }
    }

    int[] intArray(String key) {
        return intArray(key, "");
    }

    /** The integer array named {@code key + suffix} in errors (the name is built only for one). */
    int[] intArray(String key, String suffix) {
        if (current() == JsonToken.VALUE_NULL) {
            return new int[0];
        }
        if (current() != JsonToken.START_ARRAY) {
            expect(JsonToken.START_ARRAY, "\"" + key + suffix + "\": an array of integers");
        }
        int[] out = new int[8];
        int n = 0;
        while (next() != JsonToken.END_ARRAY) {
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n] = intValue(key, suffix, n);
            n++;
        }
        return Arrays.copyOf(out, n);
    }

    List<String> stringList(String key) {
        if (current() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(JsonToken.START_ARRAY, "\"" + key + "\": an array of strings");
        List<String> out = new ArrayList<>();
        while (next() != JsonToken.END_ARRAY) {
            out.add(stringValue(key + "[" + out.size() + "]"));
        }
        return out;
    }

    /**
     * Reads a bbox {@code [x, y, w, h]}: exactly four finite numbers. Sizes may be zero or negative here;
     * callers decide what that means (the evaluator drops area <= 0, dataset validation rejects it).
     */
    double[] bbox(String key) {
        if (current() != JsonToken.START_ARRAY) {
            expect(JsonToken.START_ARRAY, "\"" + key + "\": an array [x, y, w, h]");
        }
        double[] box = new double[4];
        int n = 0;
        while (next() != JsonToken.END_ARRAY) {
            double v = doubleValue(key, n);
            if (n < 4) {
                box[n] = v;
            }
            n++;
        }
        if (n != 4) {
            throw problem("\"" + key + "\" must have 4 numbers [x, y, w, h], found " + n);
        }
        for (int i = 0; i < 4; i++) {
            if (!Double.isFinite(box[i])) {
                throw problem("\"" + key + "\" must be 4 finite numbers, found " + box[i] + " at index " + i);
            }
        }
        return box;
    }

    /**
     * Reads a {@code "segmentation"}: a polygon list {@code [[x, y, ...], ...]} of finite numbers, or an RLE
     * object {@code {"size": [h, w], "counts": "..." | [int, ...]}}. Only types are checked here; what the values
     * mean (odd counts, sizes, empty masks) is for validation and for {@link Segmentation#toRle}.
     */
    Segmentation segmentation(String key) {
        if (current() == JsonToken.START_ARRAY) {
            List<double[]> parts = new ArrayList<>();
            while (next() != JsonToken.END_ARRAY) {
                int p = parts.size();
                if (current() != JsonToken.START_ARRAY) {
                    expect(JsonToken.START_ARRAY, "\"" + key + "[" + p + "]\": a polygon [x0, y0, x1, y1, ...]");
                }
                double[] xy = new double[16];
                int n = 0;
                while (next() != JsonToken.END_ARRAY) {
                    JsonToken t = current();
                    double v = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT
                            ? doubleValue(key, p)
                            : doubleValue(key + "[" + p + "]");
                    if (!Double.isFinite(v)) {
                        throw problem(
                                "\"" + key + "[" + p + "]\" must hold finite numbers, found " + v + " at index " + n);
                    }
                    if (n == xy.length) {
                        xy = Arrays.copyOf(xy, n * 2);
                    }
                    xy[n++] = v;
                }
                parts.add(Arrays.copyOf(xy, n));
            }
            return new Segmentation.Polygons(parts);
        }
        if (current() != JsonToken.START_OBJECT) {
            expect(JsonToken.START_OBJECT, "\"" + key + "\": a polygon list or an RLE {\"size\", \"counts\"}");
        }
        int[] size = null;
        String compressed = null;
        int[] counts = null;
        for (String field = nextField(); field != null; field = nextField()) {
            switch (field) {
                case "size" -> {
                    size = intArray(key, ".size");
                    if (size.length != 2) {
                        throw problem(
                                "\"" + key + ".size\" must be [height, width], found " + size.length + " numbers");
                    }
                }
                case "counts" -> {
                    if (current() == JsonToken.VALUE_STRING) {
                        compressed = text(key);
                    } else if (current() == JsonToken.START_ARRAY) {
                        counts = intArray(key, ".counts");
                    } else {
                        throw problem("\"" + key + ".counts\" must be a string (compressed RLE) or an array of "
                                + "integers, found " + describe(current()));
                    }
                }
                default -> skipValue();
            }
        }
        if (size == null) {
            throw problem("RLE \"" + key + "\" has no \"size\"");
        }
        if (compressed == null && counts == null) {
            throw problem("RLE \"" + key + "\" has no \"counts\"");
        }
        return compressed != null
                ? new Segmentation.CompressedRle(size[0], size[1], compressed)
                : new Segmentation.UncompressedRle(size[0], size[1], counts);
    }

    /** The current string token's text; {@code key} names the segmentation whose counts it is, for an error. */
    private String text(String key) {
        try {
            return parser.getText();
        } catch (IOException e) {
            throw problem("cannot read \"" + key + ".counts\": " + e.getMessage());
        }
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "end of file";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }
}

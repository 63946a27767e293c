package io.bagsflow.ml.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Where every Jackson mapper of bagsflow is made, so that its settings are chosen by purpose, not per class:
 * {@link #strict()} for our own formats (an unknown key is a typo or a newer format, and fails),
 * {@link #lenient()} for files a newer version may extend and an older one must still read,
 * {@link #sortingMapKeys} where bytes are hashed or compared (equal content, equal bytes, whatever map it came
 * from), {@link #indenting} where people read the output. Each call returns a new mapper; callers keep one in a
 * constant (mappers are thread-safe once configured).
 */
public final class JsonMappers {

    private JsonMappers() {}

    /** JSON whose unknown keys fail. */
    public static ObjectMapper strict() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** As {@link #strict()} in another syntax, e.g. a {@code YAMLFactory}. */
    public static ObjectMapper strict(JsonFactory syntax) {
        return new ObjectMapper(syntax).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** JSON whose unknown keys are skipped. */
    public static ObjectMapper lenient() {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** {@code mapper} writing map entries sorted by key (record and bean fields keep their declared order). */
    public static ObjectMapper sortingMapKeys(ObjectMapper mapper) {
        return mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** {@code mapper} writing indented output, one field a line. */
    public static ObjectMapper indenting(ObjectMapper mapper) {
        return mapper.enable(SerializationFeature.INDENT_OUTPUT);
    }
}

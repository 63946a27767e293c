package io.bagsflow.activities.pipeline;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A value of the wrong type in a spec, said in the user's words: {@code expected a whole number, got "seven"}
 * instead of Jackson's {@code Cannot deserialize value of type java.lang.Long from String "seven"}, which names Java
 * types a spec author never sees.
 */
final class JsonErrors {

    private JsonErrors() {}

    /** "expected X, got Y" for a wrong-type value; null for any other mapping error. */
    static String expected(JsonMappingException e) {
        if (!(e instanceof MismatchedInputException m) || m.getTargetType() == null) {
            return null;
        }
        String wanted = describeType(m.getTargetType());
        if (e instanceof InvalidFormatException f) {
            Object v = f.getValue();
            return "expected " + wanted + ", got " + (v instanceof String s ? "\"" + s + "\"" : String.valueOf(v));
        }
        return "expected " + wanted + ", got " + gotFromMessage(m.getOriginalMessage());
    }

    /** The key path of the error ({@code dataset.synth.seed}, {@code generations[1]}), or "" at the top. */
    static String path(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                parts.add((parts.isEmpty() ? "" : ".") + ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                parts.add("[" + ref.getIndex() + "]");
            }
        }
        return String.join("", parts);
    }

    static String describeType(Class<?> t) {
        if (t == Long.class
                || t == long.class
                || t == Integer.class
                || t == int.class
                || t == Short.class
                || t == short.class) {
            return "a whole number";
        }
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a text";
        }
        if (t.isEnum()) {
            return "one of " + Arrays.toString(t.getEnumConstants());
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "a list";
        }
        return Map.class.isAssignableFrom(t) || t.isRecord() ? "an object" : "a " + t.getSimpleName();
    }

    /** What Jackson found, from its message ("from Array value" → "a list"), in words. */
    private static String gotFromMessage(String message) {
        if (message == null) {
            return "something else";
        }
        if (message.contains("Array value") || message.contains("START_ARRAY")) {
            return "a list";
        }
        if (message.contains("Object value") || message.contains("START_OBJECT")) {
            return "an object";
        }
        if (message.contains("Floating-point value") || message.contains("VALUE_NUMBER_FLOAT")) {
            return "a decimal number";
        }
        if (message.contains("Boolean value") || message.contains("VALUE_TRUE") || message.contains("VALUE_FALSE")) {
            return "true or false";
        }
        if (message.contains("Integer value") || message.contains("VALUE_NUMBER_INT")) {
            return "a whole number";
        }
        if (message.contains("String value") || message.contains("VALUE_STRING")) {
            return "a text";
        }
        if (message.contains("null")) {
            return "null";
        }
        return "something else";
    }
}

package io.bagsflow.ml.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMappersTest {

    record Point(int x, int y) {}

    @Test
    void strictRejectsAnUnknownKeyWhileLenientSkipsIt() throws Exception {
        String json = "{\"x\": 1, \"y\": 2, \"z\": 3}";
        assertThrows(
                UnrecognizedPropertyException.class, () -> JsonMappers.strict().readValue(json, Point.class));
        assertEquals(new Point(1, 2), JsonMappers.lenient().readValue(json, Point.class));
    }

    @Test
    void sortedMapKeysGiveTheSameBytesWhateverTheMapsOrder() throws Exception {
        Map<String, Integer> ba = new LinkedHashMap<>();
        ba.put("b", 2);
        ba.put("a", 1);
        assertEquals(
                "{\"a\":1,\"b\":2}",
                JsonMappers.sortingMapKeys(JsonMappers.strict()).writeValueAsString(ba));
        assertEquals("{\"b\":2,\"a\":1}", JsonMappers.strict().writeValueAsString(ba));
    }

    @Test
    void indentingWritesOneFieldALine() throws Exception {
        assertEquals(
                "{\n  \"x\" : 1,\n  \"y\" : 2\n}",
                JsonMappers.indenting(JsonMappers.strict()).writeValueAsString(new Point(1, 2)));
    }
}

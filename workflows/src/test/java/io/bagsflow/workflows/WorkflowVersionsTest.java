package io.bagsflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The change ids stay in one place and each has a recorded history on its new side, so the replay tests guard it.
 * (The old sides are listed per constant in {@link WorkflowVersions}; a missing old side shows as a replay failure
 * only when that branch is changed, which is what the list is for.)
 */
class WorkflowVersionsTest {

    private static final Pattern GET_VERSION = Pattern.compile("getVersion\\(\\s*([^,]+),");

    @Test
    void everyGetVersionCallNamesAChangeIdOfWorkflowVersions() throws IOException {
        Set<String> constants = constants().keySet();
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = GET_VERSION.matcher(Files.readString(file));
                while (m.find()) {
                    calls++;
                    String id = m.group(1).trim().replaceFirst("^WorkflowVersions\\.", "");
                    if (!constants.contains(id)) {
                        wrong.add(file + ": getVersion(" + m.group(1).trim() + ", ...)");
                    }
                }
            }
        }
        assertTrue(calls >= constants.size(), "found only " + calls + " getVersion calls for " + constants);
        assertEquals(List.of(), wrong, "change ids not named by a constant of WorkflowVersions");
    }

    @Test
    void everyChangeIdIsRecordedOnItsNewSideInAReplayedHistory() throws IOException {
        Set<String> recorded = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/histories"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                for (JsonNode event : json.readTree(file.toFile()).path("events")) {
                    JsonNode details =
                            event.path("markerRecordedEventAttributes").path("details");
                    if (details.has("changeId") && "1".equals(payload(details.path("version")))) {
                        recorded.add(payload(details.path("changeId")));
                    }
                }
            }
        }
        for (String id : constants().values()) {
            assertTrue(
                    recorded.contains("\"" + id + "\""),
                    "no history in src/test/resources/histories records change id " + id + " at version 1: "
                            + recorded);
        }
    }

    private static String payload(JsonNode values) {
        String data = values.path("payloads").path(0).path("data").asText();
        return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }

    /** Field name to change id, for every public constant of {@link WorkflowVersions}. */
    private static Map<String, String> constants() {
        Map<String, String> ids = new TreeMap<>();
        for (Field f : WorkflowVersions.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    ids.put(f.getName(), (String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertTrue(!ids.isEmpty(), "WorkflowVersions has no change ids");
        assertEquals(ids.size(), Set.copyOf(ids.values()).size(), "two constants share a change id: " + ids);
        return ids;
    }
}

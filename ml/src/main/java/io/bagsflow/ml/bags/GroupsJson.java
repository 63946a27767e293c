package io.bagsflow.ml.bags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.io.AtomicFiles;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.LvisFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code groups.json}: {@code bin_edges}, {@code category_ids} (id of label 1, 2, ...), {@code label2binlabel}
 * (G+1 rows of C+1 ints), {@code pred_slice} ([start, length] per group, group 0 first) and {@code splits}
 * (category ids of groups 1..G). One row per line, so the file diffs well.
 */
public final class GroupsJson {

    private static final ObjectMapper JSON = JsonMappers.strict();

    private GroupsJson() {}

    public static String toJson(BagsGroups groups) {
        StringBuilder s = new StringBuilder();
        s.append("{\n");
        s.append("  \"bin_edges\": ")
                .append(JsonArrays.of(groups.bins().edges()))
                .append(",\n");
        s.append("  \"category_ids\": ")
                .append(JsonArrays.of(groups.categoryIds()))
                .append(",\n");
        rows(s, "label2binlabel", groups.label2binlabel());
        s.append(",\n");
        rows(s, "pred_slice", groups.predSlice());
        s.append(",\n");
        rows(s, "splits", groups.splits());
        s.append("\n}\n");
        return s.toString();
    }

    public static void write(BagsGroups groups, Path file) {
        AtomicFiles.write(file, toJson(groups).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads and checks a groups.json; errors name the file and the entry that is wrong. */
    public static BagsGroups read(Path file) {
        String name = file.toString();
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new LvisFormatException(name, "", "file not found");
        } catch (IOException e) {
            throw new LvisFormatException(name, "", "invalid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new LvisFormatException(name, "", "a JSON object expected");
        }
        int[] edges = ints(root, "bin_edges", name);
        int[] categoryIds = ints(root, "category_ids", name);
        int[][] l2b = intRows(root, "label2binlabel", name);
        int[][] slice = intRows(root, "pred_slice", name);
        int[][] splits = intRows(root, "splits", name);
        BagsGroups groups;
        try {
            groups = new BagsGroups(new BinEdges(edges), categoryIds, l2b, slice);
        } catch (IllegalArgumentException e) {
            throw new LvisFormatException(name, "", e.getMessage());
        }
        int[][] expected = groups.splits();
        if (splits.length != expected.length) {
            throw new LvisFormatException(name, "splits", expected.length + " groups expected, found " + splits.length);
        }
        for (int g = 0; g < expected.length; g++) {
            if (!Arrays.equals(splits[g], expected[g])) {
                throw new LvisFormatException(
                        name,
                        "splits[" + g + "]",
                        "group " + (g + 1)
                                + " holds categories " + Arrays.toString(expected[g]) + " by label2binlabel, found "
                                + Arrays.toString(splits[g]));
            }
        }
        return groups;
    }

    private static int[] ints(JsonNode root, String key, String file) {
        JsonNode node = root.get(key);
        if (node == null) {
            throw new LvisFormatException(file, "", "missing required key \"" + key + "\"");
        }
        return ints(node, key, file, key);
    }

    private static int[] ints(JsonNode node, String key, String file, String path) {
        if (!node.isArray()) {
            throw new LvisFormatException(file, path, "an array of integers expected");
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new LvisFormatException(file, path + "[" + i + "]", "an integer expected, found " + v);
            }
            out[i] = v.intValue();
        }
        return out;
    }

    private static int[][] intRows(JsonNode root, String key, String file) {
        JsonNode node = root.get(key);
        if (node == null) {
            throw new LvisFormatException(file, "", "missing required key \"" + key + "\"");
        }
        if (!node.isArray()) {
            throw new LvisFormatException(file, key, "an array of arrays expected");
        }
        int[][] out = new int[node.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints(node.get(i), key, file, key + "[" + i + "]");
        }
        return out;
    }

    private static void rows(StringBuilder s, String key, int[][] rows) {
        s.append("  \"").append(key).append("\": [");
        for (int i = 0; i < rows.length; i++) {
            s.append(i == 0 ? "\n" : ",\n").append("    ").append(JsonArrays.of(rows[i]));
        }
        s.append(rows.length == 0 ? "]" : "\n  ]");
    }
}

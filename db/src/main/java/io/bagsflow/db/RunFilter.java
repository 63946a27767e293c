package io.bagsflow.db;

import io.bagsflow.model.RunStatus;
import java.time.Instant;
import java.util.Map;

/**
 * Which runs to list; null fields do not filter. {@code datasetContains} matches part of the dataset label,
 * {@code nameGlob} the run's name with {@code *} and {@code ?} wildcards, {@code tags} must all be on the run with
 * these values.
 */
public record RunFilter(
        RunStatus status,
        Instant createdAfter,
        Instant createdBefore,
        String datasetContains,
        int limit,
        String nameGlob,
        Map<String, String> tags) {

    public RunFilter {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public RunFilter(RunStatus status, Instant createdAfter, Instant createdBefore, String datasetContains, int limit) {
        this(status, createdAfter, createdBefore, datasetContains, limit, null, Map.of());
    }

    public static RunFilter all() {
        return new RunFilter(null, null, null, null, 100);
    }

    public RunFilter withStatus(RunStatus status) {
        return new RunFilter(status, createdAfter, createdBefore, datasetContains, limit, nameGlob, tags);
    }

    public RunFilter withDataset(String datasetContains) {
        return new RunFilter(status, createdAfter, createdBefore, datasetContains, limit, nameGlob, tags);
    }

    public RunFilter createdBetween(Instant after, Instant before) {
        return new RunFilter(status, after, before, datasetContains, limit, nameGlob, tags);
    }

    public RunFilter withName(String nameGlob) {
        return new RunFilter(status, createdAfter, createdBefore, datasetContains, limit, nameGlob, tags);
    }

    public RunFilter withTags(Map<String, String> tags) {
        return new RunFilter(status, createdAfter, createdBefore, datasetContains, limit, nameGlob, tags);
    }

    public RunFilter withLimit(int limit) {
        return new RunFilter(status, createdAfter, createdBefore, datasetContains, limit, nameGlob, tags);
    }

    /** The name glob as a SQL LIKE pattern: {@code *} any text, {@code ?} one character, the rest literal. */
    String nameLikePattern() {
        StringBuilder sb = new StringBuilder();
        for (char ch : nameGlob.toCharArray()) {
            switch (ch) {
                case '*' -> sb.append('%');
                case '?' -> sb.append('_');
                case '%', '_', '\\' -> sb.append('\\').append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}

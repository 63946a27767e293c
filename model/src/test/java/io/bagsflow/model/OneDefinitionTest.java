package io.bagsflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every state, failure type, model kind, artifact name and LVIS metric name is spelled once, in its definition; everywhere
 * else the main code refers to that definition. This test reads the main Java sources of every module and fails
 * naming {@code file:line} for a string literal that spells one of them anywhere else:
 * <ul>
 *   <li>states: a literal equal to a name of {@link RunStatus}, {@link StageStatus}, {@link CellStatus} or
 *       {@link ExperimentStatus} (the attempt statuses of the database are a subset of the stage states);</li>
 *   <li>failure types (also the error classes that failed attempts record: "Cancelled", "S3Unavailable", ...): a
 *       literal equal to a name of {@link FailureType}, or one that quotes such a name as SQL text does
 *       ({@code "error_class = 'WorkerLost'"}: no CHECK constraint lists the error classes, so a query passes the
 *       name as a parameter);</li>
 *   <li>model kinds: a literal equal to a wire name of {@link ModelKind} ({@code "bags"}, {@code "crt"}, ...);</li>
 *   <li>artifact names: a literal that starts with a per-model prefix of {@code ArtifactNames} (
 *       {@code checkpoint/}, {@code curve/}, {@code results/}, {@code metrics/}, {@code table/});</li>
 *   <li>metric names: a literal equal to one of the 13 names defined in {@code ml}'s {@code LvisMetrics} (read from
 *       that file: this module cannot see {@code ml}).</li>
 * </ul>
 * Not checked, on purpose: comments and Javadoc (they explain, they do not define); longer literals that merely
 * mention a name (messages such as "only a run WAITING_FOR_RETRY can be retried"); states in SQL, both the
 * migrations and SQL text in the repositories (SQL cannot see the enums: {@code SchemaStatesTest} in {@code db}
 * checks the schema's CHECK lists against them); test code (tests spell expected values on purpose, as a user would read them).
 */
class OneDefinitionTest {

    /** Where a literal must be spelled anyway, and why. Keyed by file name and the literal. */
    private static final Map<String, String> EXEMPT = Map.of(
            "DoctorCommand.java:FAILED", "a health check's verdict in doctor's table, not a state of a run or stage");

    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SQL_STRING = Pattern.compile("'(\\w+)'");
    private static final List<String> ARTIFACT_PREFIXES =
            List.of("checkpoint/", "curve/", "results/", "metrics/", "table/");
    private static final String ARTIFACT_NAMES = "ArtifactNames.java";
    private static final String LVIS_METRICS = "ml/src/main/java/io/bagsflow/ml/eval/LvisMetrics.java";

    @Test
    void statesFailureTypesArtifactNamesAndMetricNamesAreSpelledOnlyInTheirDefinition() throws IOException {
        List<String> found = strays(repositoryRoot());
        assertTrue(
                found.isEmpty(),
                "spelled outside its definition (use the enum, ArtifactNames or LvisMetrics):\n"
                        + String.join("\n", found));
    }

    @Test
    void aStrayLiteralIsReportedWithItsFileAndLine(@TempDir Path root) throws IOException {
        Path metrics = root.resolve(LVIS_METRICS);
        Files.createDirectories(metrics.getParent());
        Files.copy(repositoryRoot().resolve(LVIS_METRICS), metrics);
        Path stray = root.resolve("cli/src/main/java/Stray.java");
        Files.createDirectories(stray.getParent());
        Files.writeString(
                stray,
                String.join(
                        "\n",
                        "class Stray {",
                        "    // \"FAILED\" in a comment is fine",
                        "    boolean failed(String s) { return s.equals(\"FAILED\"); }",
                        "    String type = \"InvalidInput\";",
                        "    String curve = \"curve/\" + \"bags\";",
                        "    String ap = \"APr\";",
                        "    String errorClass = \"S3Unavailable\";",
                        "    java.util.List<String> kinds = java.util.List.of(\"crt\");",
                        "    String sql = \"UPDATE stage_attempt SET error_class = 'WorkerLost' WHERE status = 'RUNNING'\";",
                        "    String message = \"only a run WAITING_FOR_RETRY can be retried\";",
                        "}"));
        assertEquals(
                List.of(
                        "cli/src/main/java/Stray.java:3: state \"FAILED\"",
                        "cli/src/main/java/Stray.java:4: failure type \"InvalidInput\"",
                        "cli/src/main/java/Stray.java:5: artifact name \"curve/\"",
                        "cli/src/main/java/Stray.java:5: model kind \"bags\"",
                        "cli/src/main/java/Stray.java:6: metric name \"APr\"",
                        "cli/src/main/java/Stray.java:7: failure type \"S3Unavailable\"",
                        "cli/src/main/java/Stray.java:8: model kind \"crt\"",
                        "cli/src/main/java/Stray.java:9: failure type in SQL \"WorkerLost\""),
                strays(root));
    }

    /** Each literal under {@code root}'s main sources that spells a name outside its definition: file:line. */
    private static List<String> strays(Path root) throws IOException {
        Set<String> states = new LinkedHashSet<>();
        for (Class<? extends Enum<?>> e :
                List.of(RunStatus.class, StageStatus.class, CellStatus.class, ExperimentStatus.class)) {
            Arrays.stream(e.getEnumConstants()).map(Enum::name).forEach(states::add);
        }
        Set<String> failureTypes = new LinkedHashSet<>();
        Arrays.stream(FailureType.values()).map(Enum::name).forEach(failureTypes::add);
        Set<String> kinds = new LinkedHashSet<>(ModelKind.kinds());
        Set<String> metrics = metricNames(root.resolve(LVIS_METRICS));
        assertEquals(13, metrics.size(), LVIS_METRICS + ": expected the 13 LVIS metric names, got " + metrics);

        List<String> found = new ArrayList<>();
        for (Path file : mainSources(root)) {
            String name = file.getFileName().toString();
            boolean metricsDefinition = file.endsWith(Path.of(LVIS_METRICS));
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//") || line.contains("\"\"\"")) {
                    continue;
                }
                Matcher m = LITERAL.matcher(line);
                while (m.find()) {
                    String literal = m.group(1);
                    String what = states.contains(literal)
                            ? "state"
                            : failureTypes.contains(literal)
                                    ? "failure type"
                                    : kinds.contains(literal)
                                            ? "model kind"
                                            : metrics.contains(literal) && !metricsDefinition
                                                    ? "metric name"
                                                    : !name.equals(ARTIFACT_NAMES)
                                                                    && ARTIFACT_PREFIXES.stream()
                                                                            .anyMatch(literal::startsWith)
                                                            ? "artifact name"
                                                            : null;
                    if (what != null && !EXEMPT.containsKey(name + ":" + literal)) {
                        found.add(root.relativize(file) + ":" + (i + 1) + ": " + what + " \"" + literal + "\"");
                    }
                    Matcher sql = SQL_STRING.matcher(literal);
                    while (sql.find()) {
                        if (failureTypes.contains(sql.group(1))) {
                            found.add(root.relativize(file) + ":" + (i + 1) + ": failure type in SQL \"" + sql.group(1)
                                    + "\"");
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    void theCheckSeesTheMainSourcesOfEveryModule() throws IOException {
        List<Path> sources = mainSources(repositoryRoot());
        for (String module : List.of("model", "ml", "db", "workflows", "activities", "worker", "web", "cli")) {
            assertFalse(
                    sources.stream()
                            .noneMatch(p -> p.startsWith(repositoryRoot().resolve(module))),
                    "no main sources found for module " + module);
        }
    }

    /** The string constants of the metrics' definition: {@code public static final String AP = "AP";}. */
    private static Set<String> metricNames(Path definition) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("static final String \\w+ = \"([^\"]+)\";")
                .matcher(Files.readString(definition, StandardCharsets.UTF_8));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<Path> mainSources(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(p -> Files.isDirectory(p.resolve("src/main/java")))
                    .sorted()
                    .toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
                }
            }
        }
        return out;
    }

    /** Tests run in their module's folder; the repository root is the folder above it. */
    private static Path repositoryRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(root.resolve("model/src/main/java"))) {
            throw new IllegalStateException(
                    "not a module folder of the repository: " + Path.of("").toAbsolutePath());
        }
        return root;
    }
}

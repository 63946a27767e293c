package io.bagsflow.ml.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds {@code shared/lvis-golden}: the first parent of the working directory that has it. */
final class GoldenData {

    private GoldenData() {
    }

    static Path folder() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path golden = p.resolve("shared").resolve("lvis-golden");
            if (Files.isDirectory(golden)) {
                return golden;
            }
        }
        throw new IllegalStateException("shared/lvis-golden not found in " + dir + " or any parent; the golden"
                + " LVIS cases live next to the repository (../shared/lvis-golden)");
    }

    /** The case folders under public/ (a1, a2, ...), each with detections.json and expected.json. */
    static List<Path> publicCases() {
        try (Stream<Path> s = Files.list(folder().resolve("public"))) {
            return s.filter(p -> Files.isRegularFile(p.resolve("expected.json"))).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

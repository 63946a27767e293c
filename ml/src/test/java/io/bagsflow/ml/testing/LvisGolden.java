package io.bagsflow.ml.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The golden LVIS data in {@code shared/lvis-golden} beside the repository (read in place, never copied): the first
 * parent of the working directory that has it, or the folder named by {@code BAGSFLOW_SHARED}.
 */
public final class LvisGolden {

    private LvisGolden() {
    }

    public static Path folder() {
        String configured = System.getenv("BAGSFLOW_SHARED");
        if (configured != null && Files.isDirectory(Path.of(configured, "lvis-golden"))) {
            return Path.of(configured, "lvis-golden");
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path golden = p.resolve("shared").resolve("lvis-golden");
            if (Files.isDirectory(golden)) {
                return golden;
            }
        }
        throw new IllegalStateException("shared/lvis-golden not found in " + dir + " or any parent; the golden"
                + " LVIS cases live next to the repository (../shared/lvis-golden), or set BAGSFLOW_SHARED");
    }

    /** LVIS v0.5 annotations of 100 val images (1230 categories). */
    public static Path lvisVal100() {
        return folder().resolve("lvis_val_100.json");
    }

    /** The case folders under public/ (a1, a2, ...), each with detections.json and expected.json. */
    public static List<Path> publicCases() {
        try (Stream<Path> s = Files.list(folder().resolve("public"))) {
            return s.filter(p -> Files.isRegularFile(p.resolve("expected.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

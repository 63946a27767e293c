package io.bagsflow.activities;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Local folders that workers remove: cached datasets, work directories. */
public final class FileTrees {

    private FileTrees() {}

    /** Deletes a file or a folder with everything in it, deepest first; nothing to do when it is gone. */
    public static void delete(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes what it can of a file or folder, deepest first, and goes on past what it cannot: for work folders,
     * where a leftover file is harmless and must not hide the failure being handled.
     */
    public static void deleteQuietly(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort, file by file
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}

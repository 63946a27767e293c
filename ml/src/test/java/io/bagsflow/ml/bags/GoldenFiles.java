package io.bagsflow.ml.bags;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code shared/lvis-golden} beside the repository, walking up from the working directory. */
final class GoldenFiles {

    private GoldenFiles() {
    }

    static Path lvisVal100() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path golden = dir.resolve("shared/lvis-golden");
            if (Files.isDirectory(golden)) {
                return golden.resolve("lvis_val_100.json");
            }
        }
        throw new IllegalStateException("shared/lvis-golden not found in any parent of "
                + Path.of("").toAbsolutePath() + ": the golden LVIS files live next to the repository");
    }
}

package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The port an embedded service took last time, kept in a one-line file in the home, so that a restart of {@code up}
 * takes the same port again when it is free. Workers and shells that read the old address then keep working
 * instead of being stranded on a port nothing listens on.
 */
final class RememberedPort {

    private RememberedPort() {}

    /** The remembered port if it is free now, else any free one. */
    static int choose(Path file) {
        int previous = read(file);
        return previous > 0 && FreePort.isFree(previous) ? previous : FreePort.find();
    }

    static void remember(Path file, int port) {
        try {
            PrivateFiles.requireOwnedNoSymlink(file.toAbsolutePath().getParent());
            SecretFiles.writeString(file, Integer.toString(port) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static int read(Path file) {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try {
            PrivateFiles.requireOwnedNoSymlink(file);
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            int port = Integer.parseInt(text);
            return port > 0 && port < 65536 ? port : 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // a damaged file only costs the old port
        }
    }
}

package io.bagsflow.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold secrets (generated S3 keys, the state file): readable by their owner only from the first byte
 * (created with mode 0600, never chmod-ed later) and replaced atomically, so no reader sees half of one.
 */
public final class SecretFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SecretFiles() {
    }

    public static void writeJson(Path file, JsonNode content) throws IOException {
        Path dir = PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

package io.bagsflow.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.io.AtomicFiles;
import io.bagsflow.ml.io.JsonMappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold secrets (generated S3 keys, the state file): readable by their owner only from the first byte
 * (created with mode 0600, never chmod-ed later) and replaced atomically, so no reader sees half of one.
 */
public final class SecretFiles {

    private static final ObjectMapper JSON = JsonMappers.strict();

    private SecretFiles() {}

    public static void writeJson(Path file, JsonNode content) throws IOException {
        PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
        PrivateFiles.requireOwnedNoSymlink(file);
        AtomicFiles.write(
                file,
                out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, content),
                PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
    }

    public static void writeString(Path file, String content) throws IOException {
        PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
        PrivateFiles.requireOwnedNoSymlink(file);
        AtomicFiles.write(
                file,
                out -> out.write(content.getBytes(StandardCharsets.UTF_8)),
                PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
    }

    /** A secret file's text, refused when it is a link or another account's file (see {@link PrivateFiles}). */
    public static String readString(Path file) throws IOException {
        PrivateFiles.requireOwnedNoSymlink(file);
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** A secret file's JSON, refused when it is a link or another account's file. */
    public static JsonNode readJson(Path file) throws IOException {
        PrivateFiles.requireOwnedNoSymlink(file);
        return JSON.readTree(file.toFile());
    }
}

package io.bagsflow.ml.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void aWriteReplacesTheFileAndLeavesNoSiblingBehind(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/groups.json");
        AtomicFiles.write(file, "old".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(file));
        assertEquals(List.of(file), list(file.getParent()));
    }

    @Test
    void aFailedWriteKeepsTheOldContentAndRemovesItsSibling(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("manifest.json");
        AtomicFiles.write(file, "intact".getBytes(StandardCharsets.UTF_8));
        UncheckedIOException e = assertThrows(
                UncheckedIOException.class,
                () -> AtomicFiles.write(file, out -> {
                    out.write("half of it".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("disk full");
                }));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals("intact", Files.readString(file));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void aWriterThatClosesTheStreamStillWritesEveryByte(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        // Jackson closes the stream it writes to
        AtomicFiles.write(file, out -> JsonMappers.strict().writeValue(out, Map.of("step", 600)));
        assertEquals("{\"step\":600}", Files.readString(file));
    }

    @Test
    void theFileHasTheGivenPermissionsFromItsFirstByte(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("secret.json");
        AtomicFiles.write(
                file,
                "{}".getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void leftoversOfAnInterruptedWriteAreRecognised() {
        assertTrue(AtomicFiles.isTemporary(".groups.json-123456.tmp"));
        assertTrue(!AtomicFiles.isTemporary("groups.json"));
        assertTrue(!AtomicFiles.isTemporary(".extract-1"));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}

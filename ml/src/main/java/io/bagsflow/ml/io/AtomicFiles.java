package io.bagsflow.ml.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;

/**
 * Writes a file so that no reader ever sees half of it and a crash leaves either the old or the new content: the
 * bytes go to a temporary sibling (created with the given attributes, e.g. owner-only permissions), are forced to
 * disk, and the sibling is then moved over the file atomically. A failure removes the sibling and leaves the file
 * as it was.
 */
public final class AtomicFiles {

    private static final String TEMPORARY_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /** What goes into the file; the stream is buffered, and closing it does not end the write. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path file, byte[] content, FileAttribute<?>... attributes) {
        write(file, out -> out.write(content), attributes);
    }

    /** Writes {@code content} into {@code file}, creating its folder if needed. */
    public static void write(Path file, Content content, FileAttribute<?>... attributes) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // a unique sibling: two writers of the same file at once do not write into each other's bytes
            tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", TEMPORARY_SUFFIX, attributes);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(
                        // writers such as Jackson close the stream they were given; the channel must stay open
                        Streams.unclosable(Channels.newOutputStream(channel)), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error says why
                }
            }
        }
    }

    /** Whether a file name is that of a temporary sibling (left behind only when the process died mid-write). */
    public static boolean isTemporary(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(TEMPORARY_SUFFIX);
    }

    /** Makes the rename itself durable; some file systems cannot sync a folder, and then the OS decides. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file's own bytes are on disk already
        }
    }
}

package io.bagsflow.activities.pipeline;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The image folder of a dataset as one artifact: a zip of the images (stored, not compressed: PNG and JPEG are
 * compressed already), entries sorted by path with a fixed timestamp, so the same images give the same bytes and
 * the same content hash. GPU workers fetch one file instead of thousands of objects.
 */
public final class ImageArchive {

    /**
     * 1980-01-01 00:00, the zip format's earliest time, as a local date-time: no clock and no time zone leaks into
     * the bytes (a UTC instant would become another DOS date in every zone west of UTC).
     */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private ImageArchive() {}

    /** Writes the images at these paths (relative to {@code dir}) into {@code zip}. */
    public static void write(Path dir, Collection<String> relativePaths, Path zip) {
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16))) {
            out.setMethod(ZipOutputStream.STORED);
            for (String rel : new TreeSet<>(relativePaths)) {
                byte[] bytes = Files.readAllBytes(dir.resolve(rel));
                CRC32 crc = new CRC32();
                crc.update(bytes);
                ZipEntry e = new ZipEntry(rel);
                e.setTimeLocal(FIXED_TIME);
                e.setSize(bytes.length);
                e.setCompressedSize(bytes.length);
                e.setCrc(crc.getValue());
                out.putNextEntry(e);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write image archive " + zip + ": " + e.getMessage(), e);
        }
    }

    /** Extracts an archive into {@code dir}, refusing entries that would land outside it. */
    public static void extract(Path zip, Path dir) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            Path root = dir.toAbsolutePath().normalize();
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("entry " + e.getName() + " escapes the archive folder");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    copy(in, out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + zip + ": " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }
}

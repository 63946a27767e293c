package io.bagsflow.ml.bags;

import io.bagsflow.ml.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes int64 arrays as a numpy {@code .npz}: a zip of {@code NAME.npy} files, stored uncompressed like
 * {@code numpy.savez}, each in .npy format 1.0 with dtype {@code <i8}. A fixed entry time makes the bytes
 * depend on the arrays only. {@code numpy.load(path)[NAME]} reads them back.
 */
final class NpzWriter {

    /** One array: its name, shape, and values in C (row-major) order. */
    record Array(String name, long[] shape, long[] data) {

        Array {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException(name + ": shape holds " + n + " values, data has " + data.length);
            }
        }

        static Array of(String name, int[] values) {
            long[] data = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                data[i] = values[i];
            }
            return new Array(name, new long[] {values.length}, data);
        }

        static Array of(String name, int[][] rows, int columns) {
            long[] data = new long[rows.length * columns];
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < columns; c++) {
                    data[r * columns + c] = rows[r][c];
                }
            }
            return new Array(name, new long[] {rows.length, columns}, data);
        }
    }

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private NpzWriter() {}

    static void write(Path file, List<Array> arrays) {
        AtomicFiles.write(file, toBytes(arrays));
    }

    static byte[] toBytes(List<Array> arrays) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Array a : arrays) {
                byte[] npy = npy(a);
                CRC32 crc = new CRC32();
                crc.update(npy);
                ZipEntry entry = new ZipEntry(a.name() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(npy.length);
                entry.setCompressedSize(npy.length);
                entry.setCrc(crc.getValue());
                entry.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(entry);
                zip.write(npy);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] npy(Array a) {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < a.shape().length; i++) {
            shape.append(i == 0 ? "" : ", ").append(a.shape()[i]);
        }
        shape.append(a.shape().length == 1 ? ",)" : ")");
        StringBuilder header = new StringBuilder("{'descr': '<i8', 'fortran_order': False, 'shape': " + shape + ", }");
        // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf =
                ByteBuffer.allocate(10 + h.length + 8 * a.data().length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        buf.putShort((short) h.length);
        buf.put(h);
        for (long v : a.data()) {
            buf.putLong(v);
        }
        return buf.array();
    }
}

package io.bagsflow.worker.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Free disk space under {@code BAGSFLOW_HOME}. PostgreSQL stops (and may need manual recovery) when its disk fills
 * up, so {@code up} refuses to start the embedded services below {@link #MINIMUM_BYTES} and {@code doctor} warns
 * below {@link #LOW_BYTES}.
 */
public final class DiskSpace {

    /** Below this {@code doctor} warns: a few small runs' checkpoints, datasets and caches. */
    public static final long LOW_BYTES = 5L << 30;
    /** Below this {@code up} does not start: room for PostgreSQL's WAL segments and one run's artifacts. */
    public static final long MINIMUM_BYTES = 1L << 30;

    /** Reads the free space of the file system that holds a folder (injectable for tests). */
    @FunctionalInterface
    public interface Reading {
        long freeBytes(Path folder) throws IOException;
    }

    /** The real reading: usable bytes of the file store of the folder, or of its nearest existing parent. */
    public static final Reading SYSTEM = folder -> {
        Path p = folder.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return Files.getFileStore(p == null ? Path.of("/") : p).getUsableSpace();
    };

    public enum Level {
        OK,
        LOW,
        TOO_LOW
    }

    /** What was found: the folder, its free bytes and their level. */
    public record Status(Path folder, long freeBytes, Level level) {

        public String describe() {
            return format(freeBytes) + " free under " + folder;
        }
    }

    private DiskSpace() {}

    public static Status check(Path folder, Reading reading) {
        long free;
        try {
            free = reading.freeBytes(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space under " + folder + ": " + e.getMessage(), e);
        }
        Level level = free < MINIMUM_BYTES ? Level.TOO_LOW : free < LOW_BYTES ? Level.LOW : Level.OK;
        return new Status(folder, free, level);
    }

    /** Throws a {@link ConfigurationException} naming the folder and its free space when below the minimum. */
    public static Status requireMinimum(Path folder, Reading reading) {
        Status s = check(folder, reading);
        if (s.level() == Level.TOO_LOW) {
            throw new ConfigurationException("not starting the embedded services: only " + s.describe() + " ("
                    + EnvironmentConfig.HOME + "); they need at least " + format(MINIMUM_BYTES) + ", since PostgreSQL "
                    + "stops when its disk fills up. Free some space, or set " + EnvironmentConfig.HOME
                    + " to a folder on a larger disk.");
        }
        return s;
    }

    /** Bytes in binary units with one decimal: {@code 312.0 MiB}, {@code 4.7 GiB}. */
    public static String format(long bytes) {
        if (bytes < 1L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}

package io.bagsflow.worker.experiment;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Experiment ids, like run ids: {@code exp-20261201-150112-7f3a}. Its cells' runs are {@code exp-...-1},
 * {@code exp-...-2}, ...
 */
public final class ExperimentIds {

    public static final String PREFIX = "exp-";
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExperimentIds() {}

    public static String next() {
        byte[] suffix = new byte[2];
        RANDOM.nextBytes(suffix);
        return PREFIX + FORMAT.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-"
                + HexFormat.of().formatHex(suffix);
    }

    public static boolean looksLikeOne(String id) {
        return id.startsWith(PREFIX);
    }
}

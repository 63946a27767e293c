package io.bagsflow.worker.pipeline;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Run ids: readable and sortable by time, unique by a random suffix: {@code run-20261125-183012-7f3a}. */
public final class RunIds {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    public static String next() {
        byte[] suffix = new byte[2];
        RANDOM.nextBytes(suffix);
        return "run-" + FORMAT.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-"
                + HexFormat.of().formatHex(suffix);
    }
}

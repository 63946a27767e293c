package io.bagsflow.model;

import java.time.Duration;
import java.util.Locale;

/**
 * The small text formats every front end shares, defined once: the CLI's tables, the web UI and the HTML report
 * print durations, sizes and metric percentages the same way and escape HTML the same way (they used to disagree on
 * {@code '}).
 */
public final class Formats {

    private Formats() {}

    /** {@code m:ss} under an hour, else {@code h:mm:ss}; negative durations count as zero. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Bytes in binary units: {@code 512 B}, {@code 1.5 KiB}, {@code 20.0 MiB}, {@code 1.25 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double kb = n / 1024.0;
        return kb < 1024
                ? String.format(Locale.ROOT, "%.1f KiB", kb)
                : kb < 1024 * 1024
                        ? String.format(Locale.ROOT, "%.1f MiB", kb / 1024)
                        : String.format(Locale.ROOT, "%.2f GiB", kb / 1024 / 1024);
    }

    /**
     * A metric in [0, 1] as percent with two decimals ({@code 0.41163} is {@code 41.16}); {@code -} where it is
     * undefined (negative, as lvis-api writes -1) or absent (NaN).
     */
    public static String percent(double v) {
        return Double.isNaN(v) || v < 0 ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    /**
     * The difference of two metrics in percent points, signed ({@code +1.25}, {@code -0.40}); {@code -} where either
     * is undefined.
     */
    public static String percentDelta(double v, double base) {
        if (Double.isNaN(v) || Double.isNaN(base) || v < 0 || base < 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%+.2f", 100 * (v - base));
    }

    /**
     * Text made safe inside HTML elements and quoted attributes (either quote); {@code null} is empty. Every page
     * and report goes through this one escaper.
     */
    public static String html(Object o) {
        if (o == null) {
            return "";
        }
        String s = o.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

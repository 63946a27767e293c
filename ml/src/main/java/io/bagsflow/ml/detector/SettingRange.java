package io.bagsflow.ml.detector;

import java.math.BigDecimal;

/**
 * The values a numeric setting may take: whole numbers {@code min..max} (optionally also 0, meaning "off"), or
 * finite real numbers between two bounds, each open or closed. NaN and infinities are never in range.
 */
public record SettingRange(
        double min, boolean minOpen, double max, boolean maxOpen, boolean whole, boolean zeroMeansOff) {

    /** No upper bound worth naming for whole numbers. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    /** Whole numbers {@code min..max}. */
    public static SettingRange whole(long min, long max) {
        return new SettingRange(min, false, max, false, true, false);
    }

    /** Whole numbers {@code min..max}, or 0 for "off". */
    public static SettingRange wholeOrOff(long min, long max) {
        return new SettingRange(min, false, max, false, true, true);
    }

    /** Finite reals {@code x > 0} (learning rates: large ones are legal, if unwise). */
    public static SettingRange positive() {
        return aboveUpTo(0, Double.MAX_VALUE);
    }

    /** Finite reals {@code min <= x <= max}. */
    public static SettingRange closed(double min, double max) {
        return new SettingRange(min, false, max, false, false, false);
    }

    /** Finite reals {@code min < x <= max}. */
    public static SettingRange aboveUpTo(double min, double max) {
        return new SettingRange(min, true, max, false, false, false);
    }

    /** Finite reals {@code min <= x < max}. */
    public static SettingRange fromBelow(double min, double max) {
        return new SettingRange(min, false, max, true, false, false);
    }

    public boolean contains(double v) {
        if (!Double.isFinite(v) || (whole && v != Math.rint(v))) {
            return false;
        }
        if (zeroMeansOff && v == 0) {
            return true;
        }
        boolean aboveMin = minOpen ? v > min : v >= min;
        boolean belowMax = maxOpen ? v < max : v <= max;
        return aboveMin && belowMax;
    }

    /** What an error message says, e.g. {@code must be >= 1} or {@code must be a finite number in (0, 1]}. */
    public String describe() {
        if (whole) {
            String off = zeroMeansOff ? "0 (off) or " : "";
            return max >= UNBOUNDED
                    ? "must be " + off + "a whole number >= " + (long) min
                    : "must be " + off + "a whole number in " + (long) min + ".." + (long) max;
        }
        if (max >= Double.MAX_VALUE) {
            return "must be a finite number " + (minOpen ? "> " : ">= ") + format(min);
        }
        return "must be a finite number in " + (minOpen ? "(" : "[") + format(min) + ", " + format(max)
                + (maxOpen ? ")" : "]");
    }

    /** The values on either side of each bound: the first two are outside the range, the last two inside. */
    public double[] edges() {
        double below = whole ? min - 1 : minOpen ? min : Math.nextDown(min);
        double lowest = whole ? min : minOpen ? Math.nextUp(min) : min;
        double highest = whole ? max : maxOpen ? Math.nextDown(max) : max;
        double above = whole ? max + 1 : maxOpen ? max : Math.nextUp(max);
        return new double[] {below, above, lowest, highest};
    }

    static String format(double v) {
        if (Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.isFinite(v)
                ? new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString()
                : Double.toString(v);
    }
}

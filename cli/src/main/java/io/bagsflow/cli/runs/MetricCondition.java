package io.bagsflow.cli.runs;

import io.bagsflow.cli.UserError;
import io.bagsflow.ml.eval.LvisMetrics;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code runs list --where} condition such as {@code AP>0.3} or {@code APr>=12.5%}: a metric name (any case), one
 * of {@code > >= < <= = !=}, and a number. Metrics are fractions as in {@code --json} (0.3 is 30 %); a number with
 * {@code %} is a percentage as the tables print it. A run without the metric, or with it undefined (-1, as
 * lvis-api), does not match.
 */
record MetricCondition(String metric, String op, double value) {

    private static final Pattern FORM =
            Pattern.compile("\\s*([A-Za-z0-9@]+)\\s*(>=|<=|!=|>|<|=)\\s*([-+0-9.eE]+)\\s*(%?)\\s*");

    static MetricCondition parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new UserError(
                    "--where \"" + text + "\": expected METRIC OP NUMBER",
                    "e.g. --where 'AP>0.3' or --where 'APr>=12.5%'; metrics: " + String.join(", ", LvisMetrics.KEYS));
        }
        String metric = metricName(m.group(1), "--where \"" + text + "\"");
        double value;
        try {
            value = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            throw new UserError("--where \"" + text + "\": \"" + m.group(3) + "\" is not a number", null);
        }
        boolean percent = !m.group(4).isEmpty();
        if (!percent && Math.abs(value) > 1) {
            throw new UserError(
                    "--where \"" + text + "\": metrics are fractions from 0 to 1, so " + m.group(3)
                            + " can never match",
                    "for a percentage as the tables print it write " + m.group(3) + "%");
        }
        return new MetricCondition(metric, m.group(2), percent ? value / 100 : value);
    }

    /** The official name of a metric typed in any case ({@code apr} is {@code APr}); a user error otherwise. */
    static String metricName(String typed, String where) {
        Optional<String> known = LvisMetrics.KEYS.stream()
                .filter(k -> k.equalsIgnoreCase(typed) || k.replace("@300", "").equalsIgnoreCase(typed))
                .findFirst();
        return known.orElseThrow(() -> new UserError(
                where + ": unknown metric \"" + typed + "\"", "metrics: " + String.join(", ", LvisMetrics.KEYS)));
    }

    boolean test(Map<String, Double> metrics) {
        Double v = metrics == null ? null : metrics.get(metric);
        if (v == null || v.isNaN() || v < 0) {
            return false;
        }
        return switch (op) {
            case ">" -> v > value;
            case ">=" -> v >= value;
            case "<" -> v < value;
            case "<=" -> v <= value;
            case "=" -> Math.abs(v - value) < 1e-12;
            case "!=" -> Math.abs(v - value) >= 1e-12;
            default -> throw new IllegalStateException(op);
        };
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s%s%s", metric, op, value);
    }
}

package io.bagsflow.ml.bags;

/** One-line JSON arrays of numbers; doubles in Java's round-trip form, so reading them back is exact. */
final class JsonArrays {

    private JsonArrays() {}

    static String of(int[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return s.append(']').toString();
    }

    static String of(double[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return s.append(']').toString();
    }
}

package io.bagsflow.ml.bags;

import java.util.Arrays;

/**
 * Instance-count bins that make the BAGS groups: edges {@code 0,10,100,1000} mean {@code [0,10)},
 * {@code [10,100)}, {@code [100,1000)}, {@code [1000,inf)}, groups 1 to 4. As in the reference
 * {@code get_cate_gs()}, the first bin also takes every count below its lower edge.
 */
public record BinEdges(int[] edges) {

    public static final BinEdges DEFAULT = new BinEdges(new int[] {0, 10, 100, 1000});

    public BinEdges {
        if (edges.length == 0) {
            throw new IllegalArgumentException("bin edges: at least one edge is needed");
        }
        for (int i = 0; i < edges.length; i++) {
            if (edges[i] < 0) {
                throw new IllegalArgumentException("bin edges: " + edges[i] + " is negative");
            }
            if (i > 0 && edges[i] <= edges[i - 1]) {
                throw new IllegalArgumentException("bin edges must increase: " + Arrays.toString(edges));
            }
        }
        edges = edges.clone();
    }

    /** Parses a comma-separated list such as {@code 0,10,100,1000}. */
    public static BinEdges parse(String text) {
        String[] parts = text.split(",");
        int[] edges = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                edges[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "bin edges: \"" + parts[i].trim() + "\" in \"" + text + "\" is not an integer");
            }
        }
        return new BinEdges(edges);
    }

    @Override
    public int[] edges() {
        return edges.clone();
    }

    public int numGroups() {
        return edges.length;
    }

    /** The group (1 to {@link #numGroups()}) of a class with this many training instances. */
    public int groupOf(int instanceCount) {
        int g = 1;
        while (g < edges.length && instanceCount >= edges[g]) {
            g++;
        }
        return g;
    }

    /** The bin of group g as text: {@code [10,100)} or {@code [1000,inf)}. */
    public String label(int group) {
        int lo = edges[group - 1];
        return "[" + lo + "," + (group < edges.length ? Integer.toString(edges[group]) : "inf") + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinEdges b && Arrays.equals(edges, b.edges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(edges);
    }

    @Override
    public String toString() {
        return Arrays.toString(edges);
    }
}

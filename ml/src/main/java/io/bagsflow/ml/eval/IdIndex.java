package io.bagsflow.ml.eval;

import java.util.Arrays;

/**
 * Dense indices 0..n-1 for a set of int ids in ascending id order (lvis-api iterates sorted image and category
 * ids). Lookups go through a direct table when the ids span a modest range (LVIS image ids reach about 600k),
 * else through binary search; both without boxing.
 */
final class IdIndex {

    private static final int MAX_TABLE = 1 << 24;

    private final int[] ids;
    private final long min;
    private final int[] table;

    private IdIndex(int[] sortedUniqueIds) {
        this.ids = sortedUniqueIds;
        if (ids.length == 0) {
            min = 0;
            table = null;
            return;
        }
        min = ids[0];
        long range = (long) ids[ids.length - 1] - min + 1;
        if (range <= MAX_TABLE && range <= 64L * ids.length + 1024) {
            table = new int[(int) range];
            Arrays.fill(table, -1);
            for (int i = 0; i < ids.length; i++) {
                table[(int) (ids[i] - min)] = i;
            }
        } else {
            table = null;
        }
    }

    /** The index of the distinct values of {@code ids} (which may repeat and come in any order). */
    static IdIndex of(int[] ids) {
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (n == 0 || sorted[n - 1] != sorted[i]) {
                sorted[n++] = sorted[i];
            }
        }
        return new IdIndex(Arrays.copyOf(sorted, n));
    }

    int size() {
        return ids.length;
    }

    int id(int index) {
        return ids[index];
    }

    /** The index of {@code id}, or -1 when it is not in the set. */
    int indexOf(int id) {
        if (table != null) {
            long off = id - min;
            return off < 0 || off >= table.length ? -1 : table[(int) off];
        }
        int i = Arrays.binarySearch(ids, id);
        return i < 0 ? -1 : i;
    }
}

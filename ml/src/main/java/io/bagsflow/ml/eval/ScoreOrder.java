package io.bagsflow.ml.eval;

/**
 * Stable sort of int items by a double key, highest first: numpy's {@code argsort(-score, kind="mergesort")}
 * and Python's {@code sorted(..., reverse=True)}, on primitive arrays. Equal keys keep their order; keys are
 * compared with {@code <}, so -0.0 and 0.0 tie as they do in numpy.
 */
final class ScoreOrder {

    private static final int INSERTION_MAX = 24;

    private ScoreOrder() {}

    /** Sorts {@code items[from, to)} by {@code key[item]} descending; {@code tmp} must hold {@code to - from}. */
    static void sortDescending(int[] items, int from, int to, double[] key, int[] tmp) {
        int n = to - from;
        if (n < 2) {
            return;
        }
        for (int lo = from; lo < to; lo += INSERTION_MAX) {
            insertionSort(items, lo, Math.min(lo + INSERTION_MAX, to), key);
        }
        int[] src = items;
        int[] dst = tmp;
        int srcOff = from;
        int dstOff = 0;
        for (int width = INSERTION_MAX; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                merge(src, srcOff, lo, mid, hi, dst, dstOff, key);
            }
            int[] s = src;
            src = dst;
            dst = s;
            int o = srcOff;
            srcOff = dstOff;
            dstOff = o;
        }
        if (src != items) {
            System.arraycopy(src, srcOff, items, from, n);
        }
    }

    private static void insertionSort(int[] a, int from, int to, double[] key) {
        for (int i = from + 1; i < to; i++) {
            int x = a[i];
            double kx = key[x];
            int j = i - 1;
            while (j >= from && key[a[j]] < kx) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    private static void merge(int[] src, int srcOff, int lo, int mid, int hi, int[] dst, int dstOff, double[] key) {
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
            // take from the right only when strictly higher: that keeps the sort stable
            if (key[src[srcOff + j]] > key[src[srcOff + i]]) {
                dst[dstOff + k++] = src[srcOff + j++];
            } else {
                dst[dstOff + k++] = src[srcOff + i++];
            }
        }
        while (i < mid) {
            dst[dstOff + k++] = src[srcOff + i++];
        }
        while (j < hi) {
            dst[dstOff + k++] = src[srcOff + j++];
        }
    }
}

package io.bagsflow.ml.synth;

import java.util.SplittableRandom;

/** Fisher-Yates with our own seeded generator, so the order never depends on the JDK's collections. */
final class Shuffle {

    private Shuffle() {}

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rng);
        return p;
    }

    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

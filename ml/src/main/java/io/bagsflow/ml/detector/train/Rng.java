package io.bagsflow.ml.detector.train;

import java.util.Arrays;

/**
 * SplitMix64: a small random generator whose whole state is one long. Every random choice of training is
 * drawn from a generator derived from (seed, purpose, step), so a resumed run makes the same choices as an
 * uninterrupted one without saving any generator state beyond the seed and the iteration.
 */
public final class Rng {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** A generator for one purpose and step, independent of generators for other keys. */
    public static Rng of(long seed, long... keys) {
        long s = mix(seed);
        for (long k : keys) {
            s = mix(s ^ mix(k + GOLDEN));
        }
        return new Rng(s);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    public boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** Fisher-Yates shuffle in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code k} distinct elements of {@code pool} (all of them when it has at most k), pool left unchanged. */
    public int[] sample(int[] pool, int k) {
        int[] copy = pool.clone();
        int n = Math.min(k, copy.length);
        for (int i = 0; i < n; i++) {
            int j = i + nextInt(copy.length - i);
            int t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
        }
        return Arrays.copyOf(copy, n);
    }

    /** An index drawn with probability proportional to {@code cumulative[i] - cumulative[i-1]}. */
    public int pickCumulative(double[] cumulative) {
        double u = nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}

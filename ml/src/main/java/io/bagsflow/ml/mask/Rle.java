package io.bagsflow.ml.mask;

import java.util.Arrays;
import java.util.List;

/**
 * A binary mask of {@code height x width} pixels as pycocotools' run-length encoding: column-major pixel order,
 * counts alternating 0-runs and 1-runs starting with 0s. Immutable. Every operation is a port of the routine of
 * {@code maskApi.c} it names, so areas, boxes and IoUs are those of pycocotools bit for bit; the package
 * documentation lists the API.
 */
public final class Rle {

    private final int height;
    private final int width;
    private final int[] counts;
    /** toBbox as ints (x, y, w, h), computed on first use: the IoU prefilter asks for it once per pair. */
    private int[] box;

    private Rle(int height, int width, int[] counts) {
        this.height = height;
        this.width = width;
        this.counts = counts;
    }

    /**
     * An uncompressed RLE taken as given ({@code frPyObjects} on {@code {"size": [h, w], "counts": [...]}}).
     *
     * @throws IllegalArgumentException for a negative size or count, or counts that do not add up to h*w
     */
    public static Rle fromCounts(int height, int width, int[] counts) {
        return checked(height, width, counts.clone());
    }

    /** {@link #fromCounts} of {@code counts[from, to)}, copied once (masks kept in one shared array). */
    public static Rle fromCounts(int height, int width, int[] counts, int from, int to) {
        return checked(height, width, Arrays.copyOfRange(counts, from, to));
    }

    private static Rle checked(int height, int width, int[] counts) {
        long pixels = pixels(height, width);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("RLE count " + i + " is negative: " + counts[i]);
            }
            sum += counts[i];
        }
        if (sum != pixels) {
            throw new IllegalArgumentException("RLE counts add up to " + sum + " pixels but its size [" + height + ", "
                    + width + "] has " + pixels);
        }
        return new Rle(height, width, counts);
    }

    private static long pixels(int height, int width) {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("mask size must not be negative, got [" + height + ", " + width + "]");
        }
        long pixels = (long) height * width;
        if (pixels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "mask size [" + height + ", " + width + "] has more than 2^31 - 1 pixels; not supported");
        }
        return pixels;
    }

    /** An empty mask (one run of {@code h*w} zeros). */
    public static Rle empty(int height, int width) {
        return new Rle(height, width, new int[] {(int) pixels(height, width)});
    }

    /**
     * {@code rleEncode} of a column-major mask ({@code mask[x * height + y]}), which is what
     * {@code pycocotools.mask.encode} does with a Fortran-order {@code h x w} array.
     */
    public static Rle fromMask(boolean[] columnMajor, int height, int width) {
        int a = (int) pixels(height, width);
        if (columnMajor.length != a) {
            throw new IllegalArgumentException(
                    "mask has " + columnMajor.length + " pixels, size [" + height + ", " + width + "] needs " + a);
        }
        int[] cnts = new int[a + 1];
        int k = 0;
        boolean p = false;
        int c = 0;
        for (int j = 0; j < a; j++) {
            if (columnMajor[j] != p) {
                cnts[k++] = c;
                c = 0;
                p = columnMajor[j];
            }
            c++;
        }
        cnts[k++] = c;
        return new Rle(height, width, Arrays.copyOf(cnts, k));
    }

    /** {@link #fromMask} of a row-major mask ({@code mask[y * width + x]}), as Java images and tensors lay them out. */
    public static Rle fromRowMajorMask(boolean[] rowMajor, int height, int width) {
        int a = (int) pixels(height, width);
        if (rowMajor.length != a) {
            throw new IllegalArgumentException(
                    "mask has " + rowMajor.length + " pixels, size [" + height + ", " + width + "] needs " + a);
        }
        boolean[] col = new boolean[a];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                col[x * height + y] = rowMajor[y * width + x];
            }
        }
        return fromMask(col, height, width);
    }

    /**
     * {@code rleFrString}: decodes a COCO compressed-RLE string.
     *
     * @throws IllegalArgumentException for a character outside the alphabet, a truncated number, or counts that
     *                                  are negative or do not add up to h*w; the message says which
     */
    public static Rle fromCompressedString(int height, int width, String s) {
        pixels(height, width);
        int len = s.length();
        int[] cnts = new int[len];
        int m = 0;
        int p = 0;
        while (p < len) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= len) {
                    throw new IllegalArgumentException("compressed RLE ends inside a number at character " + p);
                }
                char ch = s.charAt(p);
                if (ch < 48 || ch > 48 + 63) {
                    throw new IllegalArgumentException(
                            "compressed RLE has character '" + ch + "' at " + p + "; expected '0'..'o'");
                }
                if (k > 6) {
                    throw new IllegalArgumentException("compressed RLE has a number longer than 7 characters at " + p);
                }
                int c = ch - 48;
                // C computes the shift in int and widens with sign extension; so do we.
                x |= (long) ((c & 0x1f) << 5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= (long) (-1 << 5 * k);
                }
            }
            if (m > 2) {
                x += cnts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("compressed RLE count " + m + " is " + x + " (ending at character "
                        + p + "); counts must be 0 .. 2^31 - 1");
            }
            cnts[m++] = (int) x;
        }
        return checked(height, width, Arrays.copyOf(cnts, m));
    }

    /** {@code rleToString}: the COCO compressed-RLE string of these counts. */
    public String toCompressedString() {
        StringBuilder s = new StringBuilder(counts.length * 2 + 4);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /**
     * {@code rleFrPoly}: one polygon ({@code [x0, y0, x1, y1, ...]}) rasterised as pycocotools does. An odd
     * trailing coordinate is ignored, as {@code frPoly} passes {@code int(len(p) / 2)} vertices.
     */
    public static Rle fromPolygon(double[] xy, int height, int width) {
        long pixels = pixels(height, width);
        int k = xy.length / 2;
        final double scale = 5;
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (scale * xy[j * 2] + .5);
            y[j] = (int) (scale * xy[j * 2 + 1] + .5);
        }
        if (k == 0) {
            return empty(height, width);
        }
        x[k] = x[0];
        y[k] = y[0];
        long total = 0;
        for (int j = 0; j < k; j++) {
            total += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1L;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("polygon outline too long to rasterise (" + total + " points)");
        }
        int[] u = new int[(int) total];
        int[] v = new int[(int) total];
        int m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        // points along the y-boundary, downsampled
        int n = m;
        m = 0;
        long[] a = new long[n + 1];
        for (int j = 1; j < n; j++) {
            if (u[j] != u[j - 1]) {
                double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
                xd = (xd + .5) / scale - .5;
                if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) {
                    continue;
                }
                double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
                yd = (yd + .5) / scale - .5;
                if (yd < 0) {
                    yd = 0;
                } else if (yd > height) {
                    yd = height;
                }
                yd = Math.ceil(yd);
                // (uint)(x * (int) h + y): int arithmetic, then unsigned
                a[m++] = Integer.toUnsignedLong((int) xd * height + (int) yd);
            }
        }
        a[m++] = pixels;
        Arrays.sort(a, 0, m);
        long prev = 0;
        for (int j = 0; j < m; j++) {
            long t = a[j];
            a[j] = (a[j] - prev) & 0xffffffffL;
            prev = t;
        }
        int[] b = new int[m];
        int j = 0;
        int bm = 0;
        b[bm++] = (int) a[j++];
        while (j < m) {
            if (a[j] > 0) {
                b[bm++] = (int) a[j++];
            } else {
                j++;
                if (j < m) {
                    b[bm - 1] += (int) a[j++];
                }
            }
        }
        return new Rle(height, width, Arrays.copyOf(b, bm));
    }

    /**
     * What lvis-api's {@code ann_to_rle} makes of a polygon segmentation: {@code frPyObjects(parts, h, w)} (one
     * {@link #fromPolygon} per part) then {@code merge}.
     *
     * @throws IllegalArgumentException for an empty list or a first part with 4 numbers or fewer: pycocotools
     *                                  2.0.11 fails on those (with 4 it takes the list for boxes and raises a
     *                                  TypeError, with fewer it raises "input type is not supported")
     */
    public static Rle fromPolygons(List<double[]> parts, int height, int width) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("polygon list is empty");
        }
        int first = parts.get(0).length;
        if (first <= 4) {
            throw new IllegalArgumentException("polygon part 0 has " + first
                    + " numbers; pycocotools needs more than 4 in the first part (at least 3 points)");
        }
        Rle[] rles = new Rle[parts.size()];
        for (int i = 0; i < rles.length; i++) {
            rles[i] = fromPolygon(parts.get(i), height, width);
        }
        return union(Arrays.asList(rles));
    }

    /** {@code rleFrBbox}: the box {@code [x, y, bw, bh]} rasterised as the polygon of its four corners. */
    public static Rle fromBox(double x, double y, double bw, double bh, int height, int width) {
        double xe = x + bw;
        double ye = y + bh;
        return fromPolygon(new double[] {x, y, x, ye, xe, ye, xe, y}, height, width);
    }

    /**
     * {@code rleMerge(intersect = 0)}: the union of masks of one size; one mask comes back as it is.
     *
     * @throws IllegalArgumentException for no masks or masks of different sizes (pycocotools returns an empty
     *                                  0x0 RLE there, which no evaluation could use)
     */
    public static Rle union(List<Rle> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("union of no masks");
        }
        Rle r0 = parts.get(0);
        if (parts.size() == 1) {
            return r0;
        }
        int h = r0.height;
        int w = r0.width;
        int[] cnts = new int[(int) pixels(h, w) + 1];
        int m = r0.counts.length;
        System.arraycopy(r0.counts, 0, cnts, 0, m);
        int[] acnts = new int[cnts.length];
        for (int i = 1; i < parts.size(); i++) {
            Rle bRle = parts.get(i);
            if (bRle.height != h || bRle.width != w) {
                throw new IllegalArgumentException("union of masks of different sizes: [" + h + ", " + w + "] and ["
                        + bRle.height + ", " + bRle.width + "] (part " + i + ")");
            }
            int am = m;
            System.arraycopy(cnts, 0, acnts, 0, am);
            int[] bc = bRle.counts;
            int bm = bc.length;
            long ca = acnts[0];
            long cb = bc[0];
            boolean v = false;
            boolean va = false;
            boolean vb = false;
            m = 0;
            int a = 1;
            int b = 1;
            long cc = 0;
            long ct = 1;
            while (ct > 0) {
                long c = Math.min(ca, cb);
                cc += c;
                ct = 0;
                ca -= c;
                if (ca == 0 && a < am) {
                    ca = acnts[a++];
                    va = !va;
                }
                ct += ca;
                cb -= c;
                if (cb == 0 && b < bm) {
                    cb = bc[b++];
                    vb = !vb;
                }
                ct += cb;
                boolean vp = v;
                v = va || vb;
                if (v != vp || ct == 0) {
                    cnts[m++] = (int) cc;
                    cc = 0;
                }
            }
        }
        return new Rle(h, w, Arrays.copyOf(cnts, m));
    }

    /** {@code rleArea}: the number of mask pixels. */
    public long area() {
        long a = 0;
        for (int j = 1; j < counts.length; j += 2) {
            a += counts[j];
        }
        return a;
    }

    /** {@code rleToBbox}: {@code [x, y, w, h]} of the pixels, {@code [0, 0, 0, 0]} when there are no runs of 1s. */
    public double[] toBbox() {
        int[] b = box();
        return new double[] {b[0], b[1], b[2], b[3]};
    }

    private int[] box() {
        int[] b = box;
        if (b == null) {
            b = computeBox();
            box = b;
        }
        return b;
    }

    private int[] computeBox() {
        long h = height;
        long w = width;
        int m = (counts.length / 2) * 2;
        if (m == 0) {
            return new int[4];
        }
        long xs = w;
        long ys = h;
        long xe = 0;
        long ye = 0;
        long cc = 0;
        long xp = 0;
        for (int j = 0; j < m; j++) {
            cc += counts[j];
            long t = cc - j % 2;
            long y = t % h;
            long x = (t - y) / h;
            if (j % 2 == 0) {
                xp = x;
            } else if (xp < x) {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        return new int[] {(int) xs, (int) ys, (int) (xe - xs + 1), (int) (ye - ys + 1)};
    }

    /**
     * {@code rleIou} with {@code iscrowd = 0}: |D∩G| / |D∪G| in pixels, 0 when the masks (or their boxes) do
     * not overlap, and -1 when the sizes differ and the boxes overlap, exactly as pycocotools.
     */
    public static double iou(Rle dt, Rle gt) {
        int[] db = dt.box();
        int[] gb = gt.box();
        // bbIou > 0 iff the boxes overlap with positive width and height
        long ow = Math.min((long) db[0] + db[2], (long) gb[0] + gb[2]) - Math.max(db[0], gb[0]);
        if (ow <= 0) {
            return 0;
        }
        long oh = Math.min((long) db[1] + db[3], (long) gb[1] + gb[3]) - Math.max(db[1], gb[1]);
        if (oh <= 0) {
            return 0;
        }
        if (dt.height != gt.height || dt.width != gt.width) {
            return -1;
        }
        return runIou(dt.counts, gt.counts);
    }

    /** The pixel loop of {@code rleIou} for two RLEs of one size. */
    static double runIou(int[] da, int[] ga) {
        int ka = da.length;
        int kb = ga.length;
        long ca = da[0];
        long cb = ga[0];
        boolean va = false;
        boolean vb = false;
        int a = 1;
        int b = 1;
        long i = 0;
        long u = 0;
        long ct = 1;
        while (ct > 0) {
            long c = Math.min(ca, cb);
            if (va || vb) {
                u += c;
                if (va && vb) {
                    i += c;
                }
            }
            ct = 0;
            ca -= c;
            if (ca == 0 && a < ka) {
                ca = da[a++];
                va = !va;
            }
            ct += ca;
            cb -= c;
            if (cb == 0 && b < kb) {
                cb = ga[b++];
                vb = !vb;
            }
            ct += cb;
        }
        if (i == 0) {
            u = 1;
        }
        return (double) i / (double) u;
    }

    /** {@code rleDecode}: the column-major mask ({@code mask[x * height + y]}). */
    public boolean[] toMask() {
        boolean[] mask = new boolean[(int) pixels(height, width)];
        int p = 0;
        boolean v = false;
        for (int c : counts) {
            if (v) {
                Arrays.fill(mask, p, p + c, true);
            }
            p += c;
            v = !v;
        }
        return mask;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** A copy of the counts. */
    public int[] counts() {
        return counts.clone();
    }

    /** Copies the counts into {@code dst} from {@code offset} on, without the copy {@link #counts()} makes. */
    public void copyCounts(int[] dst, int offset) {
        System.arraycopy(counts, 0, dst, offset, counts.length);
    }

    /** The number of runs, the length of {@link #counts()}. */
    public int runs() {
        return counts.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + height + "x" + width + ", " + counts.length + " runs, area " + area() + "]";
    }
}

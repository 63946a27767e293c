package io.bagsflow.cli.runs;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBarConsumer;

/** Where a progress bar's frames go: redrawn in place on a terminal, or as plain lines into a file or pipe. */
final class ProgressLines {

    /** Plain lines at most this often: a log file gets a line per stage and a few in between, not 4 frames/s. */
    static final long PLAIN_INTERVAL_MILLIS = 10_000;

    private ProgressLines() {}

    /** A terminal: every frame overwrites the line with {@code \r}; the finished bar stays. */
    static final class Redrawn implements ProgressBarConsumer {
        private final PrintWriter out;
        private final int width;

        Redrawn(PrintWriter out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String frame) {
            out.print('\r' + trim(frame, width));
            out.flush();
        }

        @Override
        public void close() {
            out.println();
            out.flush();
        }
    }

    /**
     * Not a terminal: no {@code \r} and no redraws. The first frame, then one line every {@link #PLAIN_INTERVAL_MILLIS}
     * when something changed, and the last frame when the bar closes.
     */
    static final class Plain implements ProgressBarConsumer {
        private final PrintWriter out;
        private final int width;
        private final long intervalNanos;
        private String latest;
        private String printed;
        private long printedAt;

        Plain(PrintWriter out, int width) {
            this(out, width, PLAIN_INTERVAL_MILLIS);
        }

        Plain(PrintWriter out, int width, long intervalMillis) {
            this.out = out;
            this.width = width;
            this.intervalNanos = intervalMillis * 1_000_000;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String frame) {
            latest = trim(frame, width).stripTrailing();
            if (printed == null || (System.nanoTime() - printedAt >= intervalNanos && !latest.equals(printed))) {
                print();
            }
        }

        @Override
        public void close() {
            if (latest != null && !latest.equals(printed)) {
                print();
            }
        }

        private void print() {
            out.println(latest);
            out.flush();
            printed = latest;
            printedAt = System.nanoTime();
        }
    }

    private static String trim(String frame, int width) {
        return frame.length() <= width ? frame : frame.substring(0, width);
    }
}

package io.bagsflow.ml.io;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams handed to code that closes what it is given, when the stream underneath must stay open. */
public final class Streams {

    private Streams() {}

    /** {@code in}, which closing leaves open (e.g. one entry of a zip being read). */
    public static InputStream unclosable(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {}
        };
    }

    /** {@code out}, which closing only flushes (e.g. one entry of a zip, a file channel still to be forced). */
    public static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}

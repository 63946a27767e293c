package io.bagsflow.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A PrintStream onto a command's picocli writer, for the benchmarks of bench/ that print to a stream: what they print
 * goes where every other command's output goes (and where tests read it).
 */
final class WriterStream extends OutputStream {

    private final PrintWriter writer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private WriterStream(PrintWriter writer) {
        this.writer = writer;
    }

    static PrintStream of(PrintWriter writer) {
        return new PrintStream(new WriterStream(writer), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        pending.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        pending.write(b, off, len);
    }

    /** Bytes become text only here, so a character split across writes is decoded whole. */
    @Override
    public void flush() {
        writer.write(pending.toString(StandardCharsets.UTF_8));
        pending.reset();
        writer.flush();
    }

    @Override
    public void close() {
        flush();
    }
}

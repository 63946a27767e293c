package io.bagsflow.cli;

import io.bagsflow.worker.config.EnvironmentConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs a bagsflow command in this JVM and keeps what it printed and its exit code. */
record CommandOutput(int exitCode, String out, String err) {

    static synchronized CommandOutput run(Map<String, String> env, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(new EnvironmentConfig(env), args);
            return new CommandOutput(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The last non-empty line printed. */
    String lastLine() {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}

package io.bagsflow.cli;

import io.bagsflow.worker.config.EnvironmentConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs a bagsflow command in this JVM, printing to picocli's writers, and keeps what it printed and its exit code. */
public record CommandOutput(int exitCode, String out, String err) {

    public static CommandOutput run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new EnvironmentConfig(env), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CommandOutput(code, out.toString(), err.toString());
    }

    /** The last non-empty line printed. */
    public String lastLine() {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}

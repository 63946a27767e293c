package io.bagsflow.cli;

import io.bagsflow.worker.config.EnvironmentConfig;

/** Entry point of the {@code bagsflow} command (run it through the {@code ./bagsflow} launcher). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 ok, 1 failure, 2 usage error. */
    public static int run(String... args) {
        return BagsflowCommand.commandLine().execute(args);
    }

    /** Runs the command line with this configuration instead of the process environment (for tests). */
    public static synchronized int run(EnvironmentConfig env, String... args) {
        EnvironmentConfig before = CliEnvironment.get();
        CliEnvironment.set(env);
        try {
            return run(args);
        } finally {
            CliEnvironment.set(before);
        }
    }
}

package io.bagsflow.cli;

import io.bagsflow.worker.config.EnvironmentConfig;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code bagsflow} command (run it through the {@code ./bagsflow} launcher). */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // picocli's DefaultFactory looks up groovy.lang.Closure when it is first used; the class is nowhere, so the
        // lookup opened every one of the ~200 jars of the class path, about a fifth of a second of a short command
        // (README: Benchmarks). We have no Groovy scripts, so the closures are off.
        System.setProperty("picocli.disable.closures", "true");
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // answered before picocli builds its command model: that costs about a quarter of a second of class
            // loading and annotation reading, most of what this command would take (README: Benchmarks)
            System.out.println(VersionLine.get());
            System.exit(ExitCodes.OK);
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 ok, 1 failure, 2 usage error. */
    public static int run(String... args) {
        return execute(BagsflowCommand.commandLine(args), args);
    }

    /** Runs the command line with this configuration instead of the process environment (for tests). */
    public static int run(EnvironmentConfig env, String... args) {
        return run(env, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with this configuration, printing to these writers instead of standard output and error
     * (tests run commands in-process this way).
     */
    public static synchronized int run(EnvironmentConfig env, PrintWriter out, PrintWriter err, String... args) {
        EnvironmentConfig before = CliEnvironment.get();
        CliEnvironment.set(env);
        try {
            CommandLine cli = BagsflowCommand.commandLine(args);
            cli.setOut(out);
            cli.setErr(err);
            return execute(cli, args);
        } finally {
            CliEnvironment.set(before);
        }
    }

    /** Commands print through picocli's writers; what a last {@code print} left in their buffers goes out too. */
    private static int execute(CommandLine cli, String... args) {
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }
}

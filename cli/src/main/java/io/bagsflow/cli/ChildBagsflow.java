package io.bagsflow.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs {@code bagsflow ARGS} as a child JVM of this one: the same Java and class path, so that
 * the benchmarks that start {@code up} and workers, and the tests that start the CLI in a process of its own, run
 * exactly the code they were built with.
 */
public final class ChildBagsflow {

    private ChildBagsflow() {}

    /** {@code java JVM_OPTIONS -cp CLASSPATH io.bagsflow.cli.Main ARGS}. */
    public static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }
}

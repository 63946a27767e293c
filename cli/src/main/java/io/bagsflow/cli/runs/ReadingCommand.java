package io.bagsflow.cli.runs;

import io.bagsflow.cli.CliServices;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A verb whose whole work is on the stored history (runs, models, aliases): {@link #call} opens the services with
 * {@link CliServices#forReading} (the home's embedded storage when nothing runs, with a note on the command's error
 * stream) around {@link #read}, so each such verb says only what it does with them.
 */
abstract class ReadingCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (CliServices services = CliServices.forReading(spec.commandLine().getErr())) {
            return read(services, spec.commandLine().getOut());
        }
    }

    /** The verb's work with the services open, printing to {@code out}; returns the exit code. */
    abstract int read(CliServices services, PrintWriter out) throws Exception;
}

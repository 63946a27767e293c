package io.bagsflow.bench.micro;

import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs this module's JMH benchmarks in the calling JVM with JMH's own command-line options, as
 * {@code org.openjdk.jmh.Main} does, but printing to a given stream and returning the results instead of exiting
 * the process: {@code bagsflow bench micro} and the tests call it. With {@code -f 0} the benchmarks run in this JVM;
 * with forks (JMH's default, 5) each fork is a new JVM on this one's class path. Benchmarks are selected by JMH's
 * regular expressions ({@code EvalMicro}, {@code MaskMicro.maskIou}); {@code -l} lists them.
 *
 * <pre>
 * java -cp cli/target/bagsflow-cli.jar org.openjdk.jmh.Main -f 0 -wi 1 -i 1 -r 1s EvalMicro   # the same, JMH's own
 * </pre>
 */
public final class MicroBenchmarks {

    private MicroBenchmarks() {}

    /**
     * What a call did.
     *
     * @param listed  the options asked for a listing (benchmarks, profilers, result formats), which was printed
     * @param results one per benchmark (and parameter set) that finished; empty when listed
     */
    public record Outcome(boolean listed, Collection<RunResult> results) {}

    /**
     * Runs (or lists) the benchmarks the JMH options select, JMH's report going to {@code out}.
     *
     * @throws IllegalArgumentException when JMH cannot parse the options (the message is JMH's) or no benchmark
     *                                  matches them
     * @throws RunnerException          when JMH fails to run the benchmarks
     */
    public static Outcome run(List<String> args, PrintStream out) throws RunnerException {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            throw new IllegalArgumentException("JMH options " + args + ": " + e.getMessage(), e);
        }
        Runner runner = new Runner(
                options,
                OutputFormatFactory.createFormatInstance(
                        out, options.verbosity().orElse(VerboseMode.NORMAL)));
        if (options.shouldList()) {
            runner.list();
        } else if (options.shouldListWithParams()) {
            runner.listWithParams(options);
        } else if (options.shouldListProfilers() || options.shouldListResultFormats()) {
            // JMH prints these two listings on System.out only
            if (options.shouldListProfilers()) {
                options.listProfilers();
            } else {
                options.listResultFormats();
            }
        } else {
            try {
                return new Outcome(false, runner.run());
            } catch (NoBenchmarksException e) {
                // JMH's exception has no message (its toString has one): name what was asked for instead
                throw new IllegalArgumentException(
                        "no benchmark matches " + options.getIncludes() + "; -l lists them", e);
            }
        }
        out.flush();
        return new Outcome(true, List.of());
    }
}

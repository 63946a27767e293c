package io.bagsflow.cli.bench;

import io.bagsflow.bench.micro.MicroBenchmarks;
import io.bagsflow.cli.ExitCodes;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.RunnerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench micro}: the JMH microbenchmarks of module bench, run in this process with JMH's own options (the
 * whole-process benchmarks are the other bench verbs).
 */
@Command(
        name = "micro",
        mixinStandardHelpOptions = true,
        description = {
            "JMH microbenchmarks of hot paths, run with JMH's command-line options as org.openjdk.jmh.Main takes them "
                    + "(-f forks, -wi/-i warm-up and measured iterations, -w/-r their time, -p name=value, -l lists; "
                    + "then the benchmarks as regular expressions): EvalMicro (bbox evaluation of a small synthetic "
                    + "case), MaskMicro (RLE decoding, mask IoU), ResultsReadMicro (reading a results file).",
            "Without options JMH's defaults apply: 5 forks, each 5 warm-up and 5 measured iterations of 10 s per "
                    + "benchmark. -f 0 runs in this process. JMH's own help: java -cp cli/target/bagsflow-cli.jar "
                    + "org.openjdk.jmh.Main -h"
        })
final class BenchMicroCommand implements Callable<Integer> {

    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream out = WriterStream.of(spec.commandLine().getOut());
        MicroBenchmarks.Outcome outcome;
        try {
            outcome = MicroBenchmarks.run(args, out);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (RunnerException e) {
            out.flush();
            spec.commandLine().getErr().println("bench micro: " + (e.getMessage() != null ? e.getMessage() : e));
            return ExitCodes.FAILURE;
        }
        out.flush();
        if (!outcome.listed() && outcome.results().isEmpty()) {
            // JMH reports a failing benchmark and goes on; one that gave no result is a failed command
            spec.commandLine().getErr().println("bench micro: no benchmark finished (see JMH's report above)");
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}

package io.bagsflow.cli;

import io.bagsflow.cli.bench.BenchCommand;
import io.bagsflow.cli.data.DatasetCommand;
import io.bagsflow.cli.data.EvalCommand;
import io.bagsflow.cli.experiment.ExperimentCommand;
import io.bagsflow.cli.runs.CompareCommand;
import io.bagsflow.cli.runs.DemoCommand;
import io.bagsflow.cli.runs.ModelCommand;
import io.bagsflow.cli.runs.PipelineCommand;
import io.bagsflow.cli.runs.PredictCommand;
import io.bagsflow.cli.runs.RunsCommand;
import io.bagsflow.cli.runs.StageCommand;
import io.bagsflow.cli.services.DoctorCommand;
import io.bagsflow.cli.services.GcCommand;
import io.bagsflow.cli.services.UiCommand;
import io.bagsflow.cli.services.UpCommand;
import io.bagsflow.cli.services.WorkerCommand;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bagsflow} command and its verbs. */
@Command(
        name = "bagsflow",
        mixinStandardHelpOptions = true,
        versionProvider = BagsflowCommand.Version.class,
        description = "Balanced Group Softmax long-tail detection as a durable Temporal pipeline.",
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage error."})
public final class BagsflowCommand implements Runnable {

    /**
     * The verbs, in the order the help lists them. They are added to the command line here, not in
     * {@code @Command(subcommands)}: picocli builds the model of every added command by reflection, which is most
     * of a short command's start-up, so a command line naming a verb gets only that one (see {@link #verbsFor}).
     */
    static final List<Class<?>> VERBS = List.of(
            DemoCommand.class,
            UpCommand.class,
            DoctorCommand.class,
            WorkerCommand.class,
            PipelineCommand.class,
            StageCommand.class,
            RunsCommand.class,
            CompareCommand.class,
            ModelCommand.class,
            PredictCommand.class,
            ExperimentCommand.class,
            UiCommand.class,
            EvalCommand.class,
            DatasetCommand.class,
            BenchCommand.class,
            GcCommand.class,
            CommandLine.HelpCommand.class);

    private static final Set<String> VERSION_OPTIONS = Set.of("--version", "-V");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The whole command tree (for help and for tests that walk it). */
    static CommandLine commandLine() {
        return commandLine(VERBS);
    }

    /** The command tree that running these arguments needs. */
    static CommandLine commandLine(String... args) {
        return commandLine(verbsFor(args));
    }

    private static CommandLine commandLine(List<Class<?>> verbs) {
        CommandLine cli = new CommandLine(new BagsflowCommand());
        for (Class<?> verb : verbs) {
            cli.addSubcommand(verb);
        }
        // set after the verbs are added: these settings reach the subcommands that exist when they are set
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(new ErrorPrinter());
        cli.setParameterExceptionHandler(ErrorPrinter::usageError);
        cli.setExitCodeExceptionMapper(
                e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return cli;
    }

    /**
     * The verbs these arguments use: the one they start with, none for {@code --version} alone, and all of them
     * otherwise (help, a usage error, an unknown verb: the messages list or suggest the verbs). {@code help VERB}
     * takes the full tree too, since the help command looks its verb up among its siblings.
     */
    static List<Class<?>> verbsFor(String... args) {
        if (args.length == 1 && VERSION_OPTIONS.contains(args[0])) {
            return List.of();
        }
        if (args.length > 0) {
            for (Class<?> verb : VERBS) {
                if (verb != CommandLine.HelpCommand.class && name(verb).equals(args[0])) {
                    return List.of(verb);
                }
            }
        }
        return VERBS;
    }

    private static String name(Class<?> verb) {
        return verb.getAnnotation(Command.class).name();
    }

    /** {@code --version}: the code version that also goes into stage keys. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {VersionLine.get()};
        }
    }
}

package io.bagsflow.cli;

import io.bagsflow.activities.CodeVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code bagsflow} command and its verbs. */
@Command(name = "bagsflow",
        mixinStandardHelpOptions = true,
        versionProvider = BagsflowCommand.Version.class,
        description = "Balanced Group Softmax long-tail detection as a durable Temporal pipeline.",
        subcommands = {
            DemoCommand.class,
            UpCommand.class,
            DoctorCommand.class,
            WorkerCommand.class,
            PipelineCommand.class,
            StageCommand.class,
            RunsCommand.class,
            CompareCommand.class,
            ExperimentCommand.class,
            UiCommand.class,
            EvalCommand.class,
            DatasetCommand.class,
            BenchCommand.class,
            GcCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage error."})
public final class BagsflowCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BagsflowCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(new ErrorPrinter());
        cli.setParameterExceptionHandler(ErrorPrinter::usageError);
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE
                : ExitCodes.FAILURE);
        return cli;
    }

    /** {@code --version}: the code version that also goes into stage keys. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bagsflow " + CodeVersion.get()};
        }
    }
}

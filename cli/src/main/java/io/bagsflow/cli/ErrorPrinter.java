package io.bagsflow.cli;

import io.bagsflow.ml.BadInputException;
import io.bagsflow.model.Causes;
import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.Redaction;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns an exception from a command into one clear line and a hint, exit code 1. The stack trace is shown only
 * with {@code BAGSFLOW_DEBUG=1}.
 */
public final class ErrorPrinter implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        String hint = null;
        String message;
        if (e instanceof UserError u) {
            message = u.getMessage();
            hint = u.hint();
        } else if (e instanceof ConfigurationException || e instanceof BadInputException) {
            // the message names the file, record or setting and what is wrong: a stack trace would not help
            message = e.getMessage();
        } else if (temporalUnavailable(e)) {
            message = "Temporal is unreachable: " + describe(e);
            hint = "run `./bagsflow doctor`; start the services with `./bagsflow up` or fix BAGSFLOW_TEMPORAL_ADDRESS";
        } else {
            message = describe(e);
            hint = "run with BAGSFLOW_DEBUG=1 for the stack trace";
        }
        // a JDBC URL or endpoint quoted in an error must not show its password
        err.println(cmd.getColorScheme().errorText("error: ") + Redaction.mask(message));
        if (hint != null && !hint.isEmpty()) {
            err.println("hint: " + hint);
        }
        if ("1".equals(System.getenv("BAGSFLOW_DEBUG"))) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }

    /**
     * A usage error, exit code 2: one {@code error:} line naming what is wrong, the command's synopsis and where its
     * help is (the full help is one {@code --help} away, not printed into every mistake).
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText("error: ") + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.print(cmd.getHelp().synopsis(0));
        err.println("hint: ./" + cmd.getCommandSpec().qualifiedName() + " --help");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static boolean temporalUnavailable(Throwable e) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                return true;
            }
        }
        return false;
    }

    public static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t : Causes.chain(e)) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && (sb.length() == 0 || !sb.toString().contains(m))) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m.replace('\n', ' '));
            }
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }
}

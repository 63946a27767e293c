package io.bagsflow.cli.runs;

import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.model.RunStatus;
import java.io.PrintWriter;

/**
 * What {@code --wait} does for {@code pipeline start} and {@code stage retry} alike: a progress bar per stage until
 * the run ends or waits for a retry, then (on success) where the time went, and the run id as the last line.
 * Ctrl-C stops following, not the run: the progress line is ended and the user told how to follow or stop it.
 */
final class RunFollower {

    private RunFollower() {}

    /** Follows the run and returns the command's exit code: 0 when it succeeded. */
    static int follow(CliServices services, String runId, PrintWriter out) {
        Thread detach = new Thread(() -> printDetached(runId, out), "bagsflow-detach");
        Runtime.getRuntime().addShutdownHook(detach);
        RunStatus status;
        RunProgress progress = new RunProgress(services, runId, Terminal.isTerminal());
        try {
            status = progress.follow(out);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(detach);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran): the JVM is exiting on Ctrl-C or SIGTERM
            }
        }
        if (status == RunStatus.SUCCEEDED) {
            progress.printTimings(out);
        }
        out.println(runId);
        out.flush();
        return status == RunStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** Ends the progress line and says that the run goes on without us. */
    static void printDetached(String runId, PrintWriter out) {
        out.println();
        out.println("stopped following; run " + runId + " goes on in the worker");
        out.println("follow it: ./bagsflow runs show " + runId + " (or pipeline status " + runId
                + "); stop it: ./bagsflow pipeline abort " + runId);
        out.flush();
    }
}

package io.bagsflow.cli.runs;

/** Whether output goes to a person at a terminal, or to a file or pipe (no {@code \r} redraws there). */
final class Terminal {

    private Terminal() {}

    /** Java sees a console only when standard input and output are both a terminal. */
    static boolean isTerminal() {
        return System.console() != null;
    }
}

package io.bagsflow.cli.runs;

import io.bagsflow.cli.UserError;
import java.util.Locale;

/**
 * The README's quick-start table as {@code demo --markdown} writes it: a caption with the settings that fix the
 * numbers (preset, seed, threads; no timings, no code version, which change with every build) and the comparison's
 * markdown table, between two HTML comments. A file that has the comments gets only the text between them replaced,
 * so {@code demo --preset tiny --threads 2 --markdown README.md} regenerates the README's table in place and
 * ReadmeExamplesTest, running the same on a copy, sees whether the README still shows what today's build prints.
 */
public final class QuickStartBlock {

    public static final String BEGIN = "<!-- quickstart:begin (written by ./bagsflow demo --markdown; do not edit) -->";
    public static final String END = "<!-- quickstart:end -->";

    private QuickStartBlock() {}

    /** The block: markers, caption, a blank line and the table. */
    static String block(String preset, long seed, Integer threads, String splitNote, String markdownTable) {
        String settings = String.format(
                Locale.ROOT,
                "`%s` preset, seed %d, %s",
                preset,
                seed,
                threads == null
                        ? "PyTorch threads of the machine"
                        : threads + " PyTorch thread" + (threads == 1 ? "" : "s"));
        String caption = "LVIS bbox AP in percent, deltas against the base model (" + settings
                + (splitNote.isEmpty() ? "" : "; " + splitNote) + "):";
        return BEGIN + "\n" + caption + "\n\n" + markdownTable.strip() + "\n" + END;
    }

    /**
     * {@code document} with the text from the begin marker to the end marker replaced by {@code block}; the whole
     * block when {@code document} is null (a new file). A document without both markers, in that order, is an error
     * naming {@code file}: the table goes nowhere it was not asked for.
     */
    static String into(String document, String block, String file) {
        if (document == null) {
            return block + "\n";
        }
        int begin = document.indexOf(BEGIN);
        int end = begin < 0 ? -1 : document.indexOf(END, begin);
        if (begin < 0 || end < 0) {
            throw new UserError(
                    file + " has no quick-start block (" + BEGIN + " ... " + END + ")",
                    "give --markdown a new file, or add the two markers where the table belongs");
        }
        return document.substring(0, begin) + block + document.substring(end + END.length());
    }
}

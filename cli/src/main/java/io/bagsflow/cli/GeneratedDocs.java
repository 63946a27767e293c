package io.bagsflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code --update DOC} / {@code --check DOC} half of the commands that generate blocks of a document from
 * committed files ({@code experiment table}, {@code bench table}): the same answers and exit codes for both.
 */
public final class GeneratedDocs {

    private GeneratedDocs() {}

    /**
     * Regenerates {@code doc}'s blocks with {@code regenerate} (the document's text and folder: a block names its
     * files relative to the document, so the answer is the same from any folder); with {@code update} writes them
     * back, else checks them and fails with {@code mismatch} and {@code command}, the way to rewrite them.
     */
    public static int updateOrCheck(
            CommandSpec spec,
            Path doc,
            boolean update,
            BiFunction<String, Path, String> regenerate,
            String mismatch,
            String command)
            throws IOException {
        if (!Files.isRegularFile(doc)) {
            throw new UserError(doc + ": no such document", null);
        }
        String before = Files.readString(doc);
        String after;
        try {
            after = regenerate.apply(before, doc.toAbsolutePath().getParent());
        } catch (UserError e) {
            throw new UserError(doc + ": " + e.getMessage(), e.hint()); // which document's block, not only which file
        }
        if (update) {
            if (!after.equals(before)) {
                Files.writeString(doc, after);
            }
            spec.commandLine().getOut().println((after.equals(before) ? "unchanged: " : "updated: ") + doc);
            return ExitCodes.OK;
        }
        if (after.equals(before)) {
            spec.commandLine().getOut().println("up to date: " + doc);
            return ExitCodes.OK;
        }
        spec.commandLine()
                .getErr()
                .println(doc + ": " + mismatch + "; rewrite it with `./bagsflow " + command + " --update " + doc + "`");
        return ExitCodes.FAILURE;
    }
}

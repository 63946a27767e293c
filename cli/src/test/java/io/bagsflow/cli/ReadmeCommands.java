package io.bagsflow.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The {@code ./bagsflow} command lines a document shows: lines of fenced shell code blocks ({@code bash}, {@code sh},
 * {@code shell}, {@code console}; a trailing {@code # comment} dropped) and inline code spans, with optional {@code VAR=value} prefixes. Synopses are not command lines: a span
 * with {@code [}, {@code |} or {@code ...}, or the bare launcher name.
 */
final class ReadmeCommands {

    private static final Pattern COMMAND = Pattern.compile("^([A-Z_]+=\\S+ )*\\./bagsflow( .+)?$");
    private static final Set<String> SHELL = Set.of("bash", "sh", "shell", "console");
    private static final Pattern SPAN = Pattern.compile("`([^`\\n]+)`");

    private ReadmeCommands() {}

    static List<String> of(String markdown) {
        List<String> out = new ArrayList<>();
        boolean inBlock = false;
        boolean shell = false;
        for (String line : markdown.split("\n")) {
            if (line.strip().startsWith("```")) {
                inBlock = !inBlock;
                shell = inBlock && SHELL.contains(line.strip().substring(3).strip());
                continue;
            }
            if (inBlock && !shell) {
                continue; // diagrams, tables of output, JSON
            }
            if (inBlock) {
                String command = line.replaceFirst("\\s+#.*$", "").strip();
                if (COMMAND.matcher(command).matches() && isCommandLine(command)) {
                    out.add(command);
                }
                continue;
            }
            Matcher m = SPAN.matcher(line);
            while (m.find()) {
                String span = m.group(1).strip();
                if (COMMAND.matcher(span).matches() && isCommandLine(span)) {
                    out.add(span);
                }
            }
        }
        return out;
    }

    /** The {@code Example: ...} lines of every command's help description, as {@code ./bagsflow ...} lines. */
    static List<String> helpExamples(CommandLine root) {
        List<String> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(CommandLine cmd, List<String> out) {
        for (String line : cmd.getCommandSpec().usageMessage().description()) {
            if (line.startsWith("Example: ")) {
                out.add("./bagsflow " + line.substring("Example: ".length()).strip());
            }
        }
        for (CommandLine sub : cmd.getSubcommands().values()) {
            collect(sub, out);
        }
    }

    private static boolean isCommandLine(String text) {
        return !text.equals("./bagsflow") && !text.contains("[") && !text.contains("|") && !text.contains("...");
    }
}

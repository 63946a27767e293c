package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.data.EvalCommand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Start-up: a command line builds the picocli model of the verb it names only, while help, usage errors and
 * suggestions still see every verb.
 */
class LazyVerbsTest {

    @Test
    void aCommandLineNamingAVerbBuildsThatVerbOnly() {
        assertEquals(List.of(EvalCommand.class), BagsflowCommand.verbsFor("eval", "--gt", "a.json", "--dt", "b.json"));
        assertEquals(List.of(), BagsflowCommand.verbsFor("--version"));
        assertEquals(
                List.of("eval"),
                List.copyOf(BagsflowCommand.commandLine("eval", "--help")
                        .getSubcommands()
                        .keySet()));
    }

    @Test
    void helpAndMistakesSeeEveryVerb() {
        for (String[] args : List.of(
                new String[0],
                new String[] {"--help"},
                new String[] {"help", "eval"},
                new String[] {"evl"},
                new String[] {"--version", "eval"})) {
            assertEquals(BagsflowCommand.VERBS, BagsflowCommand.verbsFor(args), String.join(" ", args));
        }
        CommandLine all = BagsflowCommand.commandLine();
        assertEquals(BagsflowCommand.VERBS.size(), all.getSubcommands().size());

        CommandOutput typo = CommandOutput.run(Map.of(), "evl");
        assertEquals(ExitCodes.USAGE, typo.exitCode());
        assertTrue(typo.err().contains("eval"), "the suggestion names the verb: " + typo.err());
        CommandOutput help = CommandOutput.run(Map.of(), "help", "eval");
        assertEquals(ExitCodes.OK, help.exitCode(), help.err());
        assertTrue(help.out().contains("--gt"), help.out());
    }

    @Test
    void versionNeedsNoVerb() {
        CommandOutput version = CommandOutput.run(Map.of(), "--version");
        assertEquals(ExitCodes.OK, version.exitCode(), version.err());
        assertTrue(version.out().startsWith("bagsflow "), version.out());
    }

    @Test
    void theQuickVersionAnswerIsPicocliLine() {
        // Main answers a lone --version before picocli exists; it must say what the command model says
        CommandOutput version = CommandOutput.run(Map.of(), "--version");
        assertEquals(version.out().strip(), VersionLine.get());
    }
}

package io.bagsflow.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the run verbs show before any service is involved: {@code --since} values, progress output on and off a
 * terminal, the notice of an interrupted wait and of the detector a spec trains. (UsageTest has the usage errors
 * and help texts of the whole command.)
 */
class RunsUsageTest {

    @Test
    void sinceTakesADateADateTimeOrAnInstant() {
        RunsCommand.SinceConverter since = new RunsCommand.SinceConverter();
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), since.convert("2026-12-01"));
        assertEquals(Instant.parse("2026-12-01T18:30:00Z"), since.convert("2026-12-01T18:30"));
        assertEquals(Instant.parse("2026-12-01T18:30:00Z"), since.convert("2026-12-01T18:30:00Z"));
        assertEquals(Instant.parse("2026-12-01T17:30:00Z"), since.convert("2026-12-01T18:30:00+01:00"));
    }

    @Test
    void offATerminalProgressIsPlainLinesAtASlowRate() {
        StringWriter text = new StringWriter();
        try (var lines = new ProgressLines.Plain(new PrintWriter(text), 80, 60_000)) {
            for (int i = 0; i <= 100; i++) {
                lines.accept("TRAIN_BASE " + i + "%");
            }
        }
        assertEquals("TRAIN_BASE 0%\nTRAIN_BASE 100%\n", text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void onATerminalProgressRedrawsOneLine() {
        StringWriter text = new StringWriter();
        try (var lines = new ProgressLines.Redrawn(new PrintWriter(text), 80)) {
            lines.accept("EVALUATE 1%");
            lines.accept("EVALUATE 2%");
        }
        assertTrue(text.toString().startsWith("\rEVALUATE 1%\rEVALUATE 2%"), text.toString());
    }

    @Test
    void interruptingWaitSaysTheRunGoesOnAndHowToFollowIt() {
        StringWriter text = new StringWriter();
        RunFollower.printDetached("run-20261201-1", new PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        assertEquals("", lines.get(0), "the progress line is ended first");
        assertTrue(lines.get(1).contains("run-20261201-1 goes on"), lines.get(1));
        assertTrue(lines.get(2).contains("./bagsflow runs show run-20261201-1"), lines.get(2));
    }

    @Test
    void aSpecOfLocalFilesWithoutADetectorPresetNamesTheDetectorItTrains() {
        String files = "\"dataset\": {\"train\": \"/d/train.json\", \"val\": \"/d/val.json\", \"images\": \"/d/img\"}";
        String notice = PipelineCommand.Start.defaultDetectorNotice(PipelineSpecs.parse("{" + files + "}"));
        assertTrue(notice.startsWith("detector: preset small"), notice);
        assertNull(PipelineCommand.Start.defaultDetectorNotice(
                PipelineSpecs.parse("{" + files + ", \"detector\": {\"preset\": \"tiny\"}}")));
        assertNull(PipelineCommand.Start.defaultDetectorNotice(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}")));
    }
}

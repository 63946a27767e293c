package io.bagsflow.activities.pipeline;

import java.nio.file.Path;

/** Writes the HTML report of a run (its model generations compared) to a file. */
@FunctionalInterface
public interface RunReportWriter {

    void write(String runId, Path file) throws Exception;
}

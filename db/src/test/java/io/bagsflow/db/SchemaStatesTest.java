package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The schema repeats the names of states and stages in its CHECK constraints (SQL cannot see the enums): they must
 * be the enums' names, in the enums' order, so that every value the code writes is accepted and nothing else is.
 */
class SchemaStatesTest {

    private static final String V1 = "/db/migration/V1__run_history_and_lineage.sql";
    private static final String V3 = "/db/migration/V3__experiments_and_stage_claims.sql";

    @Test
    void runStatusesAreTheRunStatusEnum() throws IOException {
        assertEquals(names(RunStatus.values()), checkList(V1, "pipeline_run", "status"));
    }

    @Test
    void experimentStatusesAreTheExperimentStatusEnum() throws IOException {
        assertEquals(names(ExperimentStatus.values()), checkList(V3, "experiment", "status"));
    }

    @Test
    void attemptStatusesAreTheAttemptStatusEnum() throws IOException {
        assertEquals(names(AttemptStatus.values()), checkList(V1, "stage_attempt", "status"));
    }

    @Test
    void stagesAreTheStageEnumInPipelineOrder() throws IOException {
        assertEquals(names(Stage.values()), checkList(V1, "stage_attempt", "stage"));
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    /** The quoted names of {@code column IN (...)} in the CREATE TABLE of {@code table}. */
    private static List<String> checkList(String file, String table, String column) throws IOException {
        String sql;
        try (InputStream in = SchemaStatesTest.class.getResourceAsStream(file)) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int start = sql.indexOf("CREATE TABLE " + table + " (");
        String body = sql.substring(start, sql.indexOf(");", start));
        Matcher m = Pattern.compile("CHECK \\(" + column + " IN \\(([^)]*)\\)").matcher(body);
        if (!m.find()) {
            throw new AssertionError(file + ": no CHECK (" + column + " IN (...)) in table " + table);
        }
        return Arrays.stream(m.group(1).split(","))
                .map(s -> s.trim().replace("'", ""))
                .toList();
    }
}

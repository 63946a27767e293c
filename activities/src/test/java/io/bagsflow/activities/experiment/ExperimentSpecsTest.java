package io.bagsflow.activities.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.pipeline.InvalidInputException;
import io.bagsflow.model.experiment.ExperimentSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentSpecsTest {

    private static final String BASE =
            "\"base\": {\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, " + "\"generations\": [\"bags\"]}";

    @Test
    void readsTheGridTheSeedsAndTheParallelism() {
        ExperimentSpec spec = ExperimentSpecs.parse("{" + BASE + ", \"grid\": {\"finetune.othersSampleRatio\": "
                + "[0, 8]}, \"seeds\": [31, 32], \"parallelism\": 2}");
        assertEquals(List.of(0, 8), spec.grid().get("finetune.othersSampleRatio"));
        assertEquals(List.of(31L, 32L), spec.seeds());
        assertEquals(2, spec.parallelism());
        assertEquals("tiny", spec.base().dataset().synth().preset());
    }

    @Test
    void anUnknownSettingInTheGridIsNamedWithItsPath() {
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> ExperimentSpecs.parse(
                        "{" + BASE + ", \"grid\": {\"finetune.othersSampleRatoi\": [0, 8]}, \"seeds\": [1]}"));
        assertTrue(
                e.getMessage().contains("grid.\"finetune.othersSampleRatoi\"[0]")
                        && e.getMessage().contains("unknown setting \"othersSampleRatoi\""),
                e.getMessage());
    }

    @Test
    void anUnknownSpecKeyInTheGridIsNamedWithItsPath() {
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> ExperimentSpecs.parse("{" + BASE + ", \"grid\": {\"detektor.seed\": [1]}}"));
        assertTrue(
                e.getMessage().contains("grid.\"detektor.seed\"[0]")
                        && e.getMessage().contains("detektor"),
                e.getMessage());
    }

    @Test
    void aBadValueOrAnUnknownTopLevelKeyIsRefused() {
        InvalidInputException bins = assertThrows(
                InvalidInputException.class,
                () -> ExperimentSpecs.parse("{" + BASE + ", \"grid\": {\"groups.bins\": [[0, 10], [5, 10]]}}"));
        assertTrue(
                bins.getMessage().contains("grid.\"groups.bins\"[1]")
                        && bins.getMessage().contains("start at 0"),
                bins.getMessage());
        InvalidInputException top =
                assertThrows(InvalidInputException.class, () -> ExperimentSpecs.parse("{" + BASE + ", \"seed\": [1]}"));
        assertTrue(top.getMessage().contains("unknown key \"seed\""), top.getMessage());
        InvalidInputException base = assertThrows(
                InvalidInputException.class,
                () -> ExperimentSpecs.parse(
                        "{\"base\": {\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"generation\": []}}"));
        assertTrue(base.getMessage().contains("unknown key \"generation\""), base.getMessage());
    }
}

package io.bagsflow.model.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.model.spec.SynthSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentPlanTest {

    @Test
    void cellsAreTheProductOfTheGridAndTheSeedsWithRunIdsFromTheExperiment() {
        Map<String, List<Object>> grid = new LinkedHashMap<>();
        grid.put("finetune.othersSampleRatio", List.of(0, 8));
        grid.put("groups.bins", List.of(List.of(0, 10), List.of(0, 5, 50)));
        ExperimentSpec spec = new ExperimentSpec(tiny(), grid, List.of(1L, 2L, 3L), null);
        List<ExperimentCell> cells = ExperimentPlan.cells("exp-x", spec);
        assertEquals(12, cells.size());
        assertEquals(
                Map.of("finetune.othersSampleRatio", 8, "groups.bins", List.of(0, 5, 50)),
                cells.get(11).params());
        assertEquals(3L, cells.get(11).seed());
        assertEquals("exp-x-12", cells.get(11).runId());
        PipelineSpec last = ExperimentPlan.specOf(spec, cells.get(11));
        assertEquals(List.of(0, 5, 50), last.groups().bins());
        assertEquals(8, ((Number) last.finetune().get("othersSampleRatio")).intValue());
        assertEquals(12, ExperimentPlan.parallelism(spec, cells.size()));
    }

    @Test
    void withoutSeedsTheBaseSpecKeepsItsOwn() {
        Map<String, List<Object>> grid = Map.of("finetune.othersSampleRatio", List.of(0, 8));
        ExperimentSpec spec = new ExperimentSpec(tiny(), grid, null, 1);
        List<ExperimentCell> cells = ExperimentPlan.cells("exp-y", spec);
        assertEquals(2, cells.size());
        assertNull(cells.get(0).seed());
        assertEquals(
                7L, ExperimentPlan.specOf(spec, cells.get(0)).dataset().synth().seed());
        assertEquals(1, ExperimentPlan.parallelism(spec, 2));
    }

    private static PipelineSpec tiny() {
        return new PipelineSpec(
                new DatasetSpec(new SynthSpec("tiny", 7L), null, null, null),
                null,
                null,
                null,
                List.of("bags"),
                null,
                null,
                null);
    }
}

package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.ml.detector.RetrainMethod;
import io.bagsflow.workflows.spec.PipelineSpec;
import org.junit.jupiter.api.Test;

/**
 * The model kinds are defined once, by the ml module's {@link RetrainMethod}; the workflows module cannot see it and
 * keeps its own copy for spec checks, which must list the same kinds in the same order.
 */
class GenerationKindsTest {

    @Test
    void theSpecsKnownKindsAreTheRetrainMethodsKinds() {
        assertEquals(RetrainMethod.kinds(), PipelineSpec.KNOWN_KINDS);
    }

    @Test
    void theDefaultKindsAreKnown() {
        assertEquals(true, RetrainMethod.kinds().containsAll(PipelineSpec.DEFAULT_KINDS));
    }
}

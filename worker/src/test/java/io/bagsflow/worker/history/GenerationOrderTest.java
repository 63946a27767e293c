package io.bagsflow.worker.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bagsflow.worker.pipeline.HeartbeatText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenerationOrderTest {

    @Test
    void baseComesFirstThenTheSpecsOrderThenOtherKindsByName() {
        List<String> kinds = new ArrayList<>(List.of("crt", "zeta", "bags", "base", "rfs", "alpha"));
        kinds.sort(GenerationOrder.kinds(List.of("rfs", "bags", "crt")));
        assertEquals(List.of("base", "rfs", "bags", "crt", "alpha", "zeta"), kinds);
    }

    @Test
    void theSpecsGenerationsAreReadFromTheStoredSpec() {
        assertEquals(List.of("crt", "bags"), RunHistory.kindOrder("{\"generations\": [\"crt\", \"bags\"]}"));
        assertEquals(List.of(), RunHistory.kindOrder("{}"));
    }

    @Test
    void aHeartbeatReadsAsWordsNotAJavaMap() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("step", 120);
        details.put("total", 800);
        details.put("loss", 0.8123456);
        details.put("checkpoint_iteration", 100);
        details.put("message", "training");
        assertEquals("step 120/800, loss 0.812, checkpoint 100, training", HeartbeatText.of(details));
        assertEquals("step 0", HeartbeatText.of(Map.of("step", 0, "total", 0)));
        assertEquals("", HeartbeatText.of(Map.of()));
    }
}

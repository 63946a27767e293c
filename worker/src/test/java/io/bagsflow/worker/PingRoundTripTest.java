package io.bagsflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.health.PingWorkflow;
import io.temporal.client.WorkflowOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A workflow and its activities round trip through the embedded Temporal server over gRPC. */
class PingRoundTripTest {

    @Test
    void aWorkflowOnTheCpuQueueReachesActivitiesOnBothQueues() {
        var endpoints = TestServices.get().endpoints();
        try (BagsflowWorker worker = BagsflowWorker.start(
                        endpoints, List.of(TaskQueues.CPU, TaskQueues.GPU), new BagsflowHome(TestServices.home()));
                TemporalConnection client = TemporalConnection.connect(endpoints.temporal(), "test-client")) {
            PingWorkflow ping = client.client()
                    .newWorkflowStub(
                            PingWorkflow.class,
                            WorkflowOptions.newBuilder()
                                    .setTaskQueue(TaskQueues.CPU)
                                    .setWorkflowId("ping-round-trip")
                                    .build());

            List<String> answers = ping.ping(List.of(TaskQueues.CPU, TaskQueues.GPU));

            assertEquals(2, answers.size());
            assertEquals("ping bagsflow-cpu: pong from " + worker.identity() + " on bagsflow-cpu", answers.get(0));
            assertEquals("ping bagsflow-gpu: pong from " + worker.identity() + " on bagsflow-gpu", answers.get(1));
            assertTrue(endpoints.temporal().address().startsWith("127.0.0.1:"));
        }
    }
}

package io.bagsflow.workflows.health;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * A round trip through Temporal and the workers: runs on the CPU queue and pings an activity on every queue it
 * is given. {@code doctor} uses it to check that workers serve both queues.
 */
@WorkflowInterface
public interface PingWorkflow {

    /** One answer per queue, in order. */
    @WorkflowMethod
    List<String> ping(List<String> taskQueues);
}

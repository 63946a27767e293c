package io.bagsflow.workflows.health;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class PingWorkflowImpl implements PingWorkflow {

    @Override
    public List<String> ping(List<String> taskQueues) {
        List<String> answers = new ArrayList<>();
        for (String queue : taskQueues) {
            PingActivities activities = Workflow.newActivityStub(
                    PingActivities.class,
                    ActivityOptions.newBuilder()
                            .setTaskQueue(queue)
                            // a health check must answer fast or say that no worker polls the queue
                            .setScheduleToCloseTimeout(Duration.ofSeconds(10))
                            .setRetryOptions(RetryOptions.newBuilder()
                                    .setMaximumAttempts(1)
                                    .build())
                            .build());
            answers.add(activities.ping("ping " + queue));
        }
        return answers;
    }
}

package io.bagsflow.activities.health;

import io.bagsflow.workflows.health.PingActivities;
import io.temporal.activity.Activity;

public class PingActivitiesImpl implements PingActivities {

    private final String workerIdentity;

    public PingActivitiesImpl(String workerIdentity) {
        this.workerIdentity = workerIdentity;
    }

    @Override
    public String ping(String message) {
        String queue = Activity.getExecutionContext().getInfo().getActivityTaskQueue();
        return message + ": pong from " + workerIdentity + " on " + queue;
    }
}

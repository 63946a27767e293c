package io.bagsflow.workflows.health;

import io.temporal.activity.ActivityInterface;

/** Answers from whichever worker polls the queue the activity was scheduled on. */
@ActivityInterface
public interface PingActivities {

    /** The identity of the worker that ran it and the task queue it came from. */
    String ping(String message);
}

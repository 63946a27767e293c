package io.bagsflow.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** The activity options of every workflow's record keeping (run and experiment rows in PostgreSQL). */
public final class BookkeepingOptions {

    private BookkeepingOptions() {}

    /**
     * On the CPU queue: a few database writes, so 30 s is plenty; retried patiently (20 attempts, up to 30 s apart)
     * because losing them would lose the history.
     */
    public static ActivityOptions get() {
        return ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.CPU)
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setMaximumInterval(Duration.ofSeconds(30))
                        .setMaximumAttempts(20)
                        .build())
                .build();
    }
}

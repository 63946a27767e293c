package io.bagsflow.cli;

import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.workflows.TaskQueues;
import java.util.List;
import picocli.CommandLine;

/**
 * The worker that {@code up} and {@code worker} run: its {@code --queues} value read the same way, and run records
 * reconciled with Temporal by the worker that serves the cpu queue (it runs the workflows).
 */
final class WorkerQueues {

    /** How often the cpu worker makes PostgreSQL's run records agree with Temporal (lost workers, lost workflows). */
    static final long RECONCILE_SECONDS = 10;

    private WorkerQueues() {}

    /** The task queues of a {@code --queues} value such as {@code cpu,gpu}; a bad one is a usage error. */
    static List<String> parse(CommandLine.Model.CommandSpec spec, String queues) {
        try {
            return TaskQueues.fromShortNames(queues);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static BagsflowWorker start(Endpoints endpoints, List<String> queues, BagsflowHome home) {
        BagsflowWorker worker = BagsflowWorker.start(endpoints, queues, home);
        if (queues.contains(TaskQueues.CPU)) {
            worker.reconcileRunsEverySeconds(RECONCILE_SECONDS);
        }
        return worker;
    }
}

package io.bagsflow.cli.services;

import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.WorkerIdentity;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.notify.WebhookNotifier;
import io.bagsflow.workflows.TaskQueues;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code --queues} option of the worker that {@code up} and {@code worker} run (a picocli mixin, so that both
 * read it the same way), and the start of that worker: run records are reconciled with Temporal by the worker that
 * serves the cpu queue (it runs the workflows).
 */
public final class WorkerQueues {

    /** How often the cpu worker makes PostgreSQL's run records agree with Temporal (lost workers, lost workflows). */
    static final long RECONCILE_SECONDS = 10;
    /** How often a CPU worker sends due webhook notifications: a run's end reaches its webhook within seconds. */
    public static final long NOTIFY_SECONDS = 2;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(
            names = "--queues",
            defaultValue = "cpu,gpu",
            paramLabel = "cpu,gpu",
            description = "Task queues of the worker: cpu (workflows, PREPARE, metrics), gpu (training, inference) or "
                    + "cpu,gpu (default); `up` also takes none (services only), so that GPU workers can run as their "
                    + "own processes (`./bagsflow worker --queues gpu`) or on other machines.")
    String queues;

    /** The task queues named; a bad name is a usage error of the command. */
    List<String> parse() {
        try {
            return TaskQueues.fromShortNames(queues);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    static BagsflowWorker start(Endpoints endpoints, List<String> queues, BagsflowHome home) {
        return start(endpoints, queues, home, null, WorkerIdentity.current());
    }

    /**
     * Under {@code identity}, with where the services are now, for a worker that outlives restarts of {@code up}
     * (null: they never move).
     */
    static BagsflowWorker start(
            Endpoints endpoints,
            List<String> queues,
            BagsflowHome home,
            Supplier<Endpoints> whereNow,
            String identity) {
        BagsflowWorker worker = BagsflowWorker.start(endpoints, queues, home, identity, whereNow);
        if (queues.contains(TaskQueues.CPU)) {
            worker.reconcileRunsEverySeconds(RECONCILE_SECONDS);
            worker.notifyEverySeconds(
                    NOTIFY_SECONDS, CliEnvironment.get().variables().get(WebhookNotifier.DEFAULT_WEBHOOK_ENV));
        }
        return worker;
    }
}

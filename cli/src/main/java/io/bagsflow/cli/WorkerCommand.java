package io.bagsflow.cli;

import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.config.EndpointResolver;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = "Run a worker against the configured services (environment variables, or a running "
                + "`bagsflow up`) until Ctrl-C or SIGTERM.")
final class WorkerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    WorkerQueues queues;

    @Override
    public Integer call() throws InterruptedException {
        List<String> taskQueues = queues.parse();
        EnvironmentConfig env = CliEnvironment.get();
        Endpoints endpoints = EndpointResolver.resolve(env);
        if (taskQueues.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a worker needs at least one queue");
        }
        // the state file is read again when the database or S3 stops answering: up may have restarted on other ports
        BagsflowWorker worker =
                WorkerQueues.start(endpoints, taskQueues, env.home(), () -> EndpointResolver.resolveAvailable(env));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            worker.close();
                            stopped.countDown();
                        },
                        "bagsflow-worker-shutdown"));
        spec.commandLine()
                .getOut()
                .println("worker " + worker.identity() + " polling " + String.join(", ", taskQueues) + " on "
                        + endpoints.temporal() + ". Press Ctrl-C to stop.");
        spec.commandLine().getOut().flush();
        stopped.await();
        return ExitCodes.OK;
    }
}

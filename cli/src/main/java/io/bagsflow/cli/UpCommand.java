package io.bagsflow.cli;

import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.worker.embedded.EmbeddedServices;
import io.bagsflow.workflows.TaskQueues;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the embedded services (PostgreSQL, S3, Temporal) for every service that no "
                + "environment variable points elsewhere, plus a worker on the queues bagsflow-cpu and bagsflow-gpu.",
            "Keeps running until Ctrl-C or SIGTERM, then stops everything cleanly."})
final class UpCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        EnvironmentConfig env = CliEnvironment.get();
        EmbeddedServices services = EmbeddedServices.start(env);
        Endpoints e = services.endpoints();
        BagsflowWorker worker;
        try {
            worker = BagsflowWorker.start(e, List.of(TaskQueues.CPU, TaskQueues.GPU), env.home());
        } catch (RuntimeException ex) {
            services.close();
            throw ex;
        }
        StateFile.write(env.home().stateFile(), new StateFile.State(ProcessHandle.current().pid(), e.postgres(),
                e.s3(), e.temporal()));
        double seconds = (System.nanoTime() - t0) / 1e9;

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping...");
            StateFile.delete(env.home().stateFile());
            try {
                worker.close();
            } finally {
                services.close();
            }
            out.println("stopped");
            out.flush();
            stopped.countDown();
        }, "bagsflow-up-shutdown"));

        String embedded = services.started().isEmpty() ? "none" : String.join(", ", services.started());
        Table table = new Table("service", "address");
        table.row("PostgreSQL", e.postgres().toString());
        table.row("S3", e.s3().toString());
        table.row("Temporal", e.temporal().toString());
        table.row("Worker", worker.identity() + " on " + String.join(", ", worker.queues()));
        table.print(out);
        out.println();
        out.printf(Locale.ROOT, "ready in %.1f s (embedded: %s; state in %s)%n", seconds, embedded, env.home().root());
        out.println("Other commands in other terminals find these services. Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}

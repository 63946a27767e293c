package io.bagsflow.cli.services;

import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import io.bagsflow.model.Causes;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.WorkerIdentity;
import io.bagsflow.worker.config.ConnectionFile;
import io.bagsflow.worker.config.EndpointResolver;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import java.nio.file.Path;
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
public final class WorkerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    WorkerQueues queues;

    @CommandLine.Option(
            names = "--connect",
            paramLabel = "FILE",
            description = "join the services of another machine's `bagsflow up --bind` through its connection file "
                    + "(BAGSFLOW_HOME/connection.json there, copied here); this machine's BAGSFLOW_HOME keeps only "
                    + "the worker's cache and work folders")
    Path connect;

    @Override
    public Integer call() throws InterruptedException {
        List<String> taskQueues = queues.parse();
        EnvironmentConfig env = CliEnvironment.get();
        if (taskQueues.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a worker needs at least one queue");
        }
        BagsflowWorker worker;
        Endpoints endpoints;
        if (connect == null) {
            endpoints = EndpointResolver.resolve(env);
            // the state file is read again when the database or S3 stops answering: up may have restarted elsewhere
            worker = WorkerQueues.start(
                    endpoints,
                    taskQueues,
                    env.home(),
                    () -> EndpointResolver.resolveAvailable(env),
                    WorkerIdentity.current());
        } else {
            endpoints = ConnectionFile.read(connect, env.home());
            try {
                // a unique identity: the reconciler never judges a worker on another machine by a local pid
                worker = WorkerQueues.start(
                        endpoints,
                        taskQueues,
                        env.home(),
                        () -> ConnectionFile.read(connect, env.home()),
                        WorkerIdentity.remote());
            } catch (RuntimeException e) {
                throw refused(connect, endpoints, e);
            }
        }
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

    /**
     * One line for a worker that cannot join: above all a certificate that the file's authority did not sign (a
     * tampered file, or another home's), which must stop it before it sends any credential.
     */
    static RuntimeException refused(Path file, Endpoints endpoints, RuntimeException e) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof javax.net.ssl.SSLException
                    || t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return new UserError(
                        "refused to join: a server's TLS certificate is not signed by the authority in " + file
                                + " (tampered, or from another home's up; PostgreSQL "
                                + endpoints.postgres().jdbcUrl().replaceFirst("\\?.*", "") + ")",
                        "copy the connection file again from the machine that runs `bagsflow up --bind`");
            }
        }
        return e;
    }
}

package io.bagsflow.cli.services;

import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.LocalDatasetPaths;
import io.bagsflow.cli.Table;
import io.bagsflow.cli.UserError;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.config.ConnectionFile;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.HomeSecret;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.worker.embedded.EmbeddedServices;
import io.bagsflow.worker.embedded.TemporalCli;
import io.bagsflow.worker.embedded.TemporalEngine;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Start the embedded services (PostgreSQL, S3, Temporal) for every service that no "
                    + "environment variable points elsewhere, plus a worker on the queues bagsflow-cpu and bagsflow-gpu.",
            "Temporal is the Temporal CLI's dev server (runs survive a restart of up) when the CLI is installed, "
                    + "else the in-memory test server.",
            "Keeps running until Ctrl-C or SIGTERM, then stops everything cleanly."
        })
public final class UpCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    WorkerQueues queues;

    @CommandLine.Option(
            names = "--no-auth",
            description = "serve the web UI without its secret: every local account can then read the history "
                    + "and abort or retry runs")
    boolean noAuth;

    @CommandLine.Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            description = "also serve PostgreSQL (TLS, SCRAM), S3 (HTTPS) and Temporal (mTLS) on ADDRESS for workers "
                    + "on other machines, and write BAGSFLOW_HOME/connection.json for them (`worker --connect`)")
    String bind;

    @CommandLine.Option(
            names = "--bind-ui",
            description = "with --bind: also serve the web UI on ADDRESS, over HTTPS only, with a server certificate "
                    + "of the home's authority (BAGSFLOW_HOME/tls/ca.crt, also in connection.json); with its secret, "
                    + "without retry and abort")
    boolean bindUi;

    @CommandLine.Option(
            names = "--rotate-certs",
            description = "make the home's certificate authority and its server and client certificates anew before "
                    + "starting: the old client certificate is refused from then on, and workers on other machines "
                    + "need the new connection.json")
    boolean rotateCerts;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> taskQueues = queues.parse();
        long t0 = System.nanoTime();
        EnvironmentConfig env = CliEnvironment.get();
        if (bindUi && bind == null) {
            throw new UserError(
                    "--bind-ui serves the web UI on the --bind address, and no --bind was given", "add --bind ADDRESS");
        }
        if (bindUi && noAuth) {
            throw new UserError(
                    "--bind-ui with --no-auth is refused: without its secret the UI would be open to every machine "
                            + "that reaches " + bind,
                    "drop --no-auth");
        }
        EmbeddedServices services = EmbeddedServices.start(env, bind, rotateCerts);
        Endpoints e = services.endpoints();
        BagsflowWorker worker = null;
        try {
            if (!taskQueues.isEmpty()) {
                worker = WorkerQueues.start(e, taskQueues, env.home());
            }
        } catch (RuntimeException ex) {
            services.close();
            throw ex;
        }
        TemporalEngine engine = services.temporalEngine();
        StateFile.State kept =
                StateFile.State.embeddedOnly(ProcessHandle.current().pid(), e, env);
        UiCommand.Served local = UiCommand.Served.start(env, e, noAuth);
        UiCommand.Served ui;
        try {
            ui = bindUi ? local.alsoOn(bind, services.authority().orElseThrow(), env) : local;
        } catch (java.io.IOException | RuntimeException ex) {
            local.close();
            if (worker != null) {
                worker.close();
            }
            services.close();
            if (ex instanceof java.net.BindException) {
                throw new UserError("--bind-ui: cannot listen on " + bind + ": " + ex.getMessage(), null);
            }
            throw ex;
        }
        StateFile.write(
                env.home().stateFile(),
                new StateFile.State(
                        kept.pid(),
                        kept.postgres(),
                        kept.s3(),
                        kept.temporal(),
                        new StateFile.TemporalInfo(
                                engine.name(),
                                engine.durable(),
                                services.temporalUi().orElse(null),
                                e.temporal().tls() != null),
                        ui.server().url().toString()));
        java.nio.file.Path connection = env.home().root().resolve(LocalDatasetPaths.CONNECTION_FILE);
        if (services.remoteEndpoints().isPresent()) {
            ConnectionFile.write(
                    connection,
                    services.remoteEndpoints().get(),
                    services.authority().orElseThrow().clientFiles());
        } else {
            // an earlier up --bind's file names addresses nobody serves now, and would make pipeline start refuse
            // local dataset paths as if workers were on other machines
            java.nio.file.Files.deleteIfExists(connection);
        }
        BagsflowWorker running = worker;
        double seconds = (System.nanoTime() - t0) / 1e9;

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("stopping...");
                            StateFile.delete(env.home().stateFile());
                            ui.close();
                            try {
                                if (running != null) {
                                    running.close();
                                }
                            } finally {
                                services.close();
                            }
                            out.println("stopped");
                            out.flush();
                            stopped.countDown();
                        },
                        "bagsflow-up-shutdown"));

        String embedded = services.started().isEmpty() ? "none" : String.join(", ", services.started());
        Table table = new Table("service", "address");
        table.row("PostgreSQL", e.postgres().toString());
        table.row("S3", e.s3().toString());
        table.row("Temporal", e.temporal() + " (" + engine.description() + ")");
        services.temporalUi()
                .ifPresent(address -> table.row(
                        "Temporal UI",
                        e.temporal().tls() == null
                                ? address
                                : address + "/?token="
                                        + HomeSecret.loadOrCreate(env.home().uiSecret())));
        table.row(
                "Worker",
                worker == null
                        ? "none (--queues none)"
                        : worker.identity() + " on " + String.join(", ", worker.queues()));
        table.row("Web UI", ui.server().loginUrl().toString());
        if (ui.remote() != null) {
            table.row(
                    "Web UI (other machines)",
                    ui.remote().loginUrl() + " (HTTPS only; its certificate is signed by "
                            + env.home().tls()
                            + "/ca.crt, the tls.ca_certificate of connection.json; retry and abort are refused there)");
        }
        services.remoteEndpoints()
                .ifPresent(r -> table.row(
                        "Other machines",
                        "TLS only: PostgreSQL "
                                + r.postgres()
                                        .jdbcUrl()
                                        .replaceFirst("^jdbc:postgresql://", "")
                                        .replaceFirst("/.*", "")
                                + ", S3 " + r.s3().endpoint() + ", Temporal "
                                + r.temporal().address()
                                + "; join with `bagsflow worker --connect FILE`, FILE a copy of " + connection));
        if (rotateCerts) {
            out.println("--rotate-certs: a new certificate authority signed new server and client certificates in "
                    + env.home().tls() + "; clients with the old ones are refused"
                    + (services.remoteEndpoints().isPresent()
                            ? ": copy the new " + connection + " to every worker host"
                            : ""));
        }
        table.print(out);
        out.println();
        out.printf(
                Locale.ROOT,
                "ready in %.1f s (embedded: %s; state in %s)%n",
                seconds,
                embedded,
                env.home().root());
        out.println(
                engine.durable()
                        ? "Runs survive a restart of up."
                        : "Runs do not survive a restart of up (it starts them again from PostgreSQL); "
                                + TemporalCli.INSTALL_HINT + ".");
        services.temporalExposure().ifPresent(exposure -> out.println("warning: " + exposure + "."));
        if (noAuth) {
            out.println("warning: --no-auth: every local account can read the run history and abort or retry runs "
                    + "through the web UI.");
        }
        out.println("Other commands in other terminals find these services. Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}

package io.bagsflow.cli;

import io.bagsflow.web.UiOptions;
import io.bagsflow.web.UiServer;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.HomeSecret;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the web UI and its JSON API (/api/runs, /api/runs/RUN, /api/models/MODEL, "
                    + "/api/compare?models=A,B) against the configured services, until Ctrl-C.",
            "Every request needs the home's secret (BAGSFLOW_HOME/ui/secret): open the printed URL once (it carries "
                    + "?token=), or send Authorization: Bearer SECRET.",
            "Without a running `up`, the embedded PostgreSQL and S3 of BAGSFLOW_HOME are started for it (read-only: "
                    + "retry and abort need Temporal)."
        })
final class UiCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final int DEFAULT_PORT = 8090;

    @Option(names = "--port", description = "port to listen on (default ${DEFAULT-VALUE}; 0: any free port)")
    int port = DEFAULT_PORT;

    @Option(names = "--host", description = "address to listen on (default ${DEFAULT-VALUE}, this machine only)")
    String host = "127.0.0.1";

    @Option(
            names = "--allow-remote-actions",
            description = "accept retry and abort when --host is not a loopback "
                    + "address (anyone who reaches the port could use them)")
    boolean allowRemoteActions;

    @Option(
            names = "--no-auth",
            description = "serve without the secret (only with a loopback --host): every local account can then "
                    + "read the history and abort or retry runs")
    boolean noAuth;

    @Override
    public Integer call() throws Exception {
        if (noAuth && !new UiOptions(host, port, false, null).loopback()) {
            throw new UserError(
                    "--no-auth is refused with --host " + host + ": without its secret the UI would be open to "
                            + "every machine that reaches it",
                    "drop --no-auth, or listen on 127.0.0.1");
        }
        EnvironmentConfig env = CliEnvironment.get();
        String secret = noAuth ? null : secret(env);
        CliServices services = CliServices.forReading(spec.commandLine().getErr());
        UiServer server;
        try {
            services.history();
            server = UiServer.start(
                    new CliUiBackend(services), new UiOptions(host, port, allowRemoteActions, secret));
        } catch (RuntimeException | java.io.IOException e) {
            services.close();
            if (e instanceof java.net.BindException) {
                throw new UserError(
                        "cannot listen on " + host + ":" + port + ": " + e.getMessage(),
                        "choose another port with --port N (0: any free port)");
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            services.close();
                            stopped.countDown();
                        },
                        "bagsflow-ui-shutdown"));
        if (noAuth) {
            spec.commandLine()
                    .getErr()
                    .println("warning: --no-auth: every local account can read the run history and abort or retry "
                            + "runs through " + server.url());
        }
        spec.commandLine().getOut().println("web UI on " + server.loginUrl() + " (Ctrl-C to stop)");
        spec.commandLine().getOut().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** The home's UI secret, made on first use (the home is made private first). */
    static String secret(EnvironmentConfig env) {
        return HomeSecret.loadOrCreate(env.home().uiSecret());
    }

    /** The UI that {@code up} serves beside its services: on the default port, or any free one if that is taken. */
    record Served(UiServer server, CliServices services) implements AutoCloseable {

        static Served start(EnvironmentConfig env, Endpoints endpoints, boolean noAuth) throws java.io.IOException {
            CliServices services = CliServices.at(env, endpoints);
            String secret = noAuth ? null : secret(env);
            UiServer server;
            try {
                server = UiServer.start(new CliUiBackend(services), UiOptions.local(DEFAULT_PORT, secret));
            } catch (java.net.BindException e) {
                server = UiServer.start(new CliUiBackend(services), UiOptions.local(0, secret));
            }
            return new Served(server, services);
        }

        @Override
        public void close() {
            server.close();
            services.close();
        }
    }
}

package io.bagsflow.cli.services;

import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import io.bagsflow.web.UiOptions;
import io.bagsflow.web.UiServer;
import io.bagsflow.web.UiTls;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.HomeSecret;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.embedded.CertificateAuthority;
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
public final class UiCommand implements Callable<Integer> {

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
            server = UiServer.start(new CliUiBackend(services), new UiOptions(host, port, allowRemoteActions, secret));
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
    record Served(UiServer server, UiServer remote, CliServices services) implements AutoCloseable {

        /** Where {@code up --bind ADDRESS --bind-ui} serves the UI on ADDRESS, or any free port if that is taken. */
        static final int REMOTE_DEFAULT_PORT = 8443;

        static Served start(EnvironmentConfig env, Endpoints endpoints, boolean noAuth) throws java.io.IOException {
            CliServices services = CliServices.at(env, endpoints);
            String secret = noAuth ? null : secret(env);
            UiServer server;
            try {
                server = UiServer.start(new CliUiBackend(services), UiOptions.local(DEFAULT_PORT, secret));
            } catch (java.net.BindException e) {
                server = UiServer.start(new CliUiBackend(services), UiOptions.local(0, secret));
            }
            return new Served(server, null, services);
        }

        /**
         * The same UI also on {@code address} for other machines, over HTTPS only, with the server certificate of
         * the home's authority (the one {@code up --bind} made for that address): people there check it with
         * {@code BAGSFLOW_HOME/tls/ca.crt}. Always with the secret, and without retry and abort (as {@code ui --host}
         * without {@code --allow-remote-actions}): anyone who reaches the address could otherwise use them.
         */
        Served alsoOn(String address, CertificateAuthority authority, EnvironmentConfig env)
                throws java.io.IOException {
            java.nio.file.Path dir =
                    PrivateFiles.createDirectories(env.home().uiSecret().getParent());
            java.nio.file.Path keyStore = dir.resolve("server.p12");
            javax.net.ssl.SSLContext tls = UiTls.server(keyStore, authority.serverKeyStore(keyStore));
            PrivateFiles.tightenTree(dir);
            UiServer remote;
            try {
                remote = UiServer.start(
                        new CliUiBackend(services),
                        new UiOptions(address, REMOTE_DEFAULT_PORT, false, secret(env)),
                        tls);
            } catch (java.net.BindException e) {
                remote = UiServer.start(new CliUiBackend(services), new UiOptions(address, 0, false, secret(env)), tls);
            }
            return new Served(server, remote, services);
        }

        @Override
        public void close() {
            server.close();
            if (remote != null) {
                remote.close();
            }
            services.close();
        }
    }
}

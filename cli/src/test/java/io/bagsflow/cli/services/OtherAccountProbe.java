package io.bagsflow.cli.services;

import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What another local account tries against someone's {@code up}; run by {@link AnotherLocalAccountTest} as that
 * account. Prints one line per attempt: {@code refused WHAT: HOW} when it was kept out, {@code OPEN WHAT: ...}
 * when it got in. Arguments: home, PostgreSQL port, web UI URL, Temporal address, Temporal UI URL, a run id.
 */
public final class OtherAccountProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int pgPort = Integer.parseInt(args[1]);
        URI ui = URI.create(args[2]);
        String temporal = args[3];
        URI temporalUi = URI.create(args[4]);
        String runId = args[5];

        for (Path p : List.of(
                home,
                home.resolve("state.json"),
                home.resolve("ui/secret"),
                home.resolve("tls/client.key"),
                home.resolve("postgres/credentials.json"),
                home.resolve("postgres/binaries"))) {
            try {
                if (Files.isDirectory(p)) {
                    try (var list = Files.list(p)) {
                        list.count();
                    }
                } else {
                    Files.readAllBytes(p);
                }
                report(false, "read " + p, "it was readable");
            } catch (IOException e) {
                report(true, "read " + p, e.getClass().getSimpleName());
            }
        }

        for (String[] login : new String[][] {
            {"bagsflow", ""}, {"bagsflow", "bagsflow"}, {"postgres", ""}, {"postgres", "postgres"}, {"root", ""}
        }) {
            String what = "PostgreSQL login as " + login[0] + " with password '" + login[1] + "'";
            try (var c = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + pgPort + "/bagsflow?connectTimeout=5", login[0], login[1])) {
                report(false, what, "logged in");
            } catch (SQLException e) {
                report(true, what, e.getSQLState() + " " + e.getMessage());
            }
        }

        for (String route : List.of(
                "GET /",
                "GET /runs",
                "GET /runs/" + runId,
                "GET /runs/" + runId + "/report",
                "GET /models/" + runId + "-base",
                "GET /compare?models=" + runId,
                "GET /experiments",
                "GET /experiments/exp-x",
                "GET /api/runs",
                "GET /api/runs/" + runId,
                "GET /api/models/" + runId + "-base",
                "GET /api/compare?models=" + runId,
                "GET /api/experiments",
                "GET /api/experiments/exp-x",
                "GET /static/app.js",
                "GET /runs?token=guess",
                "POST /runs/" + runId + "/abort",
                "POST /runs/" + runId + "/retry")) {
            String[] mp = route.split(" ");
            HttpRequest.Builder b = HttpRequest.newBuilder(ui.resolve(mp[1])).timeout(Duration.ofSeconds(10));
            if (mp[0].equals("POST")) {
                b.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("token=x&reason=probe"));
            }
            int status =
                    HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            report(status == 401 || status == 403, "web UI " + route, "HTTP " + status);
        }
        for (String path : List.of("/", "/?token=guess", "/api/v1/namespaces")) {
            int status = HTTP.send(
                            HttpRequest.newBuilder(temporalUi.resolve(path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            report(status == 401 || status == 403, "Temporal UI GET " + path, "HTTP " + status);
        }

        String port = temporal.substring(temporal.lastIndexOf(':') + 1);
        temporalCalls("plaintext gRPC to " + temporal, temporal, false, runId);
        temporalCalls("TLS without a client certificate to " + temporal, temporal, true, runId);
        // where a dev server listens by default: in its own namespace it is not here
        if (!port.equals("7233")) {
            temporalCalls("plaintext gRPC to 127.0.0.1:7233", "127.0.0.1:7233", false, runId);
        }
    }

    private static void temporalCalls(String how, String target, boolean tls, String runId) throws Exception {
        WorkflowServiceStubsOptions.Builder options =
                WorkflowServiceStubsOptions.newBuilder().setTarget(target).setRpcTimeout(Duration.ofSeconds(5));
        if (tls) {
            options.setSslContext(GrpcSslContexts.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .build());
        }
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(options.build());
        try {
            try {
                int n = stubs.blockingStub()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
                                .setNamespace("default")
                                .build())
                        .getExecutionsCount();
                report(false, "list workflows over " + how, n + " workflows listed");
            } catch (StatusRuntimeException e) {
                report(
                        true,
                        "list workflows over " + how,
                        e.getStatus().getCode().toString());
            }
            try {
                stubs.blockingStub()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
                                .setNamespace("default")
                                .setWorkflowExecution(WorkflowExecution.newBuilder()
                                        .setWorkflowId(runId)
                                        .build())
                                .setReason("another account")
                                .build());
                report(false, "terminate " + runId + " over " + how, "terminated");
            } catch (StatusRuntimeException e) {
                report(
                        true,
                        "terminate " + runId + " over " + how,
                        e.getStatus().getCode().toString());
            }
        } finally {
            stubs.shutdownNow();
            stubs.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void report(boolean refused, String what, String how) {
        System.out.println((refused ? "refused " : "OPEN ") + what + ": " + how.replace('\n', ' '));
        System.out.flush();
    }
}

package io.bagsflow.worker;

import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.TemporalEndpoint;
import io.bagsflow.worker.config.TlsFiles;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** A gRPC connection to a Temporal frontend and a client on one namespace. */
public final class TemporalConnection implements AutoCloseable {

    private final WorkflowServiceStubs stubs;
    private final WorkflowClient client;

    private TemporalConnection(WorkflowServiceStubs stubs, WorkflowClient client) {
        this.stubs = stubs;
        this.client = client;
    }

    public static TemporalConnection connect(TemporalEndpoint endpoint, String identity) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(options(endpoint, Duration.ofSeconds(10)));
        WorkflowClient client = WorkflowClient.newInstance(
                stubs,
                WorkflowClientOptions.newBuilder()
                        .setNamespace(endpoint.namespace())
                        .setIdentity(identity)
                        .build());
        return new TemporalConnection(stubs, client);
    }

    /**
     * The gRPC options for {@code endpoint}: with its TLS files, the server must show a certificate of that
     * authority (for the address's host) and we show ours, which the proxy in front of the embedded Temporal
     * demands.
     */
    public static WorkflowServiceStubsOptions options(TemporalEndpoint endpoint, Duration rpcTimeout) {
        WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder()
                .setTarget(endpoint.address())
                .setRpcTimeout(rpcTimeout);
        TlsFiles tls = endpoint.tls();
        if (tls != null) {
            tls.checked();
            try {
                b.setSslContext(GrpcSslContexts.forClient()
                        .trustManager(tls.caCertificate().toFile())
                        .keyManager(
                                tls.clientCertificate().toFile(),
                                tls.clientKey().toFile())
                        .build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new ConfigurationException(
                        "cannot use the TLS files " + tls.caCertificate() + ", "
                                + tls.clientCertificate() + ", " + tls.clientKey() + " for Temporal at "
                                + endpoint.address()
                                + ": " + e.getMessage(),
                        e);
            }
        }
        return b.build();
    }

    public WorkflowServiceStubs stubs() {
        return stubs;
    }

    public WorkflowClient client() {
        return client;
    }

    @Override
    public void close() {
        stubs.shutdown();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
    }
}

package io.bagsflow.worker;

import io.bagsflow.worker.config.TemporalEndpoint;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A gRPC connection to a Temporal frontend and a client on one namespace. */
public final class TemporalConnection implements AutoCloseable {

    private final WorkflowServiceStubs stubs;
    private final WorkflowClient client;

    private TemporalConnection(WorkflowServiceStubs stubs, WorkflowClient client) {
        this.stubs = stubs;
        this.client = client;
    }

    public static TemporalConnection connect(TemporalEndpoint endpoint, String identity) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(endpoint.address())
                .setRpcTimeout(Duration.ofSeconds(10))
                .build());
        WorkflowClient client = WorkflowClient.newInstance(
                stubs,
                WorkflowClientOptions.newBuilder()
                        .setNamespace(endpoint.namespace())
                        .setIdentity(identity)
                        .build());
        return new TemporalConnection(stubs, client);
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

package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.TemporalEndpoint;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's standalone test server, reached over gRPC like a real cluster. It is what
 * {@code TestServer.createPortBoundServer(port, true)} builds, bound to 127.0.0.1 instead of every interface.
 * Time skipping is off, so timers and timeouts run in real time.
 *
 * <p>It keeps workflows in memory (they are lost when it stops) and does not implement
 * ListWorkflowExecutions, CountWorkflowExecutions or ResetWorkflowExecution; run history lives in PostgreSQL.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {

    private final TestServicesStarter services;
    private final Server server;
    private final TemporalEndpoint endpoint;

    private EmbeddedTemporalServer(TestServicesStarter services, Server server, TemporalEndpoint endpoint) {
        this.services = services;
        this.server = server;
        this.endpoint = endpoint;
    }

    public static EmbeddedTemporalServer start(String namespace) {
        // lockTimeSkipping = true: time skipping stays off, as on a real cluster
        TestServicesStarter services = new TestServicesStarter(true, 0);
        int port = FreePort.find();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), InsecureServerCredentials.create());
        GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
        try {
            Server server = builder.build().start();
            return new EmbeddedTemporalServer(services, server, new TemporalEndpoint("127.0.0.1:" + port, namespace));
        } catch (IOException e) {
            services.close();
            throw new UncheckedIOException("cannot start the embedded Temporal server on port " + port, e);
        }
    }

    public TemporalEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        services.close();
    }
}

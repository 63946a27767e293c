package io.bagsflow.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on 127.0.0.1 in front of one service, which a chaos soak cuts: every open connection is dropped and new
 * ones are refused (accepted and closed at once, as a restarting server does) until the line is restored. The line
 * keeps its target: processes that connect through it see what they would see of that address, a service that moved
 * elsewhere included.
 */
final class CuttableLine implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> open = new ArrayList<>();
    private volatile boolean cut;
    private volatile boolean closed;

    CuttableLine(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread accept = new Thread(this::accept, "cuttable-line-" + port());
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Drops every connection and refuses new ones. */
    void cut() {
        cut = true;
        dropAll();
    }

    void restore() {
        cut = false;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                quietly(client);
                continue;
            }
            Socket upstream;
            try {
                upstream = new Socket(targetHost, targetPort);
            } catch (IOException e) {
                // the service itself is away: the client sees a dropped connection, as it would connecting directly
                quietly(client);
                continue;
            }
            synchronized (open) {
                open.add(client);
                open.add(upstream);
            }
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException ignored) {
                        // a cut, or either side closed: both sides close below
                    } finally {
                        quietly(from);
                        quietly(to);
                        synchronized (open) {
                            open.remove(from);
                            open.remove(to);
                        }
                    }
                },
                "cuttable-line-pump");
        t.setDaemon(true);
        t.start();
    }

    private void dropAll() {
        List<Socket> all;
        synchronized (open) {
            all = new ArrayList<>(open);
            open.clear();
        }
        all.forEach(CuttableLine::quietly);
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        dropAll();
    }
}

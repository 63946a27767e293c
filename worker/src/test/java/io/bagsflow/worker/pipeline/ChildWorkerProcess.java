package io.bagsflow.worker.pipeline;

import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.EnvironmentConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Starts a {@link ChildWorker} in a JVM of its own against the test services and waits until it polls. Needed for a
 * worker a test kills, and for a second GPU worker: DJL allows one gradient collector per JVM, so two trainings at
 * once need two processes (as in production, one GPU worker process per device).
 */
public final class ChildWorkerProcess {

    private ChildWorkerProcess() {}

    /** @param queues {@code gpu}, {@code cpu} or {@code cpu,gpu} */
    public static Process start(String queues, String identity, Path home) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                ChildWorker.class.getName(),
                queues,
                identity);
        pb.environment().putAll(TestServices.environment());
        pb.environment().put(EnvironmentConfig.HOME, home.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // skip start-up logging
        }
        if (line == null) {
            throw new IllegalStateException("the child worker " + identity + " did not start");
        }
        // keep draining its output so it never blocks on a full pipe
        Thread drain = new Thread(
                () -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (IOException ignored) {
                        // the process was killed
                    }
                },
                "drain-" + identity);
        drain.setDaemon(true);
        drain.start();
        return p;
    }
}

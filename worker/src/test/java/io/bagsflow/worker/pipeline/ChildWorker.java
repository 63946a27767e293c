package io.bagsflow.worker.pipeline;

import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.config.EndpointResolver;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.workflows.TaskQueues;

/**
 * A worker in a process of its own, configured like {@code bagsflow worker} by environment variables, so a test
 * can kill it with SIGKILL, or stop it with SIGTERM as Ctrl-C would (it closes the worker on the way out, as
 * {@code bagsflow worker} does): {@code ChildWorker QUEUES IDENTITY}.
 */
public final class ChildWorker {

    private ChildWorker() {}

    public static void main(String[] args) throws InterruptedException {
        EnvironmentConfig env = EnvironmentConfig.system();
        BagsflowWorker worker = BagsflowWorker.start(
                EndpointResolver.resolve(env), TaskQueues.fromShortNames(args[0]), env.home(), args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "child-worker-shutdown"));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

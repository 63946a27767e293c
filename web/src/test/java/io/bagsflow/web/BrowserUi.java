package io.bagsflow.web;

import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.Eventually;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.workflows.TaskQueues;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * What every browser test stands on, set up once here instead of in each test class: headless Chromium (or the
 * calling test skipped where it is not installed), the UI's services over the tests' embedded ones, a real worker
 * on both task queues, and the UI server with the browser logged in through the URL {@code up} prints.
 */
final class BrowserUi implements AutoCloseable {

    final Chromium browser;
    final TestBackend backend;
    final BagsflowWorker worker;
    final UiServer server;
    /** The UI's address without the trailing slash, e.g. {@code http://127.0.0.1:PORT}. */
    final String base;

    private BrowserUi(Chromium browser, TestBackend backend, BagsflowWorker worker, UiServer server) {
        this.browser = browser;
        this.backend = backend;
        this.worker = worker;
        this.server = server;
        this.base = server.url().toString().replaceAll("/$", "");
    }

    /**
     * Starts everything and logs the browser in once: the session cookie then carries every later page and poll.
     *
     * @param workerName the worker's identity, which a test may look for in the stages' attempts
     */
    static BrowserUi start(String workerName) throws Exception {
        Chromium browser = Chromium.startOrSkip();
        TestBackend backend = null;
        BagsflowWorker worker = null;
        UiServer server = null;
        try {
            backend = new TestBackend();
            worker = BagsflowWorker.start(
                    backend.endpoints,
                    List.of(TaskQueues.CPU, TaskQueues.GPU),
                    new BagsflowHome(TestServices.home()),
                    workerName);
            server = UiServer.start(backend, UiOptions.local(0, UiServerAccessTest.SECRET));
            BrowserUi ui = new BrowserUi(browser, backend, worker, server);
            browser.openRedirected(server.loginUrl().toString(), ui.base + "/runs");
            return ui;
        } catch (Exception | Error e) {
            // whatever started before the failure is stopped here: the test class never got the object to close
            close(browser, server, worker, backend);
            throw e;
        }
    }

    /** Waits (up to 3 minutes) until the run's history satisfies the condition, and returns that view. */
    RunView waitFor(String runId, Predicate<RunView> condition) {
        return Eventually.await(
                Duration.ofMinutes(3),
                () -> backend.history().show(runId).orElseThrow(),
                condition,
                "run " + runId + " gets there");
    }

    @Override
    public void close() throws Exception {
        close(browser, server, worker, backend);
    }

    private static void close(Chromium browser, UiServer server, BagsflowWorker worker, TestBackend backend)
            throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (backend != null) {
            backend.close();
        }
    }
}

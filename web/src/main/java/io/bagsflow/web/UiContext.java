package io.bagsflow.web;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** What every module's handlers share: the services, the options, the session tokens and the page frame. */
final class UiContext {

    final UiBackend backend;
    final UiOptions options;
    final Sessions sessions = new Sessions();
    /**
     * Where aborts run: one waits until the stage in progress has stopped (up to minutes), which must not hold a
     * request thread. Unbounded threads, but an abort needs the secret and the session token, so only the owner
     * makes them.
     */
    final ExecutorService actions = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bagsflow-ui-action");
        t.setDaemon(true);
        return t;
    });

    private List<String[]> nav = List.of();

    UiContext(UiBackend backend, UiOptions options) {
        this.backend = backend;
        this.options = options;
    }

    void nav(List<String[]> links) {
        this.nav = List.copyOf(links);
    }

    /** A link of the top bar. */
    record NavLink(String label, String href) {}

    /** What the page frame shows around a body: the title and the top bar. */
    record Layout(String title, List<NavLink> nav, String bodyHtml) {}

    /** A whole page: top bar, title, body; only this server's CSS and script. */
    String page(String title, String bodyHtml) {
        List<NavLink> links = nav.stream().map(l -> new NavLink(l[0], l[1])).toList();
        return Templates.render("layout", new Layout(title, links, bodyHtml));
    }

    /** A page of the template {@code name} over {@code view}, in the frame. */
    String page(String title, String template, Object view) {
        return page(title, Templates.render(template, view));
    }
}

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

    /** A whole page: top bar, title, body; only this server's CSS and script. */
    String page(String title, String body) {
        StringBuilder h = new StringBuilder(body.length() + 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(Html.esc(title))
                .append(" · bagsflow</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/static/app.css\">\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<header><a class=\"brand\" ")
                .append("href=\"/runs\">bagsflow</a>");
        for (String[] link : nav) {
            h.append("<a href=\"")
                    .append(Html.esc(link[1]))
                    .append("\">")
                    .append(Html.esc(link[0]))
                    .append("</a>");
        }
        h.append("</header>\n<main>\n").append(body).append("\n</main>\n</body>\n</html>\n");
        return h.toString();
    }
}

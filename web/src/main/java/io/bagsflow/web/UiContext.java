package io.bagsflow.web;

import java.util.List;

/** What every module's handlers share: the services, the options, the session tokens and the page frame. */
final class UiContext {

    final UiBackend backend;
    final UiOptions options;
    final Sessions sessions = new Sessions();
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

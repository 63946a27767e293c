package io.bagsflow.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The UI's routes: method and path pattern to handler. Pages and API register theirs through a {@link UiModule};
 * the first route whose pattern matches the whole path answers.
 */
public final class Routes {

    /** Answers one request. */
    @FunctionalInterface
    interface Handler {
        void handle(Request request) throws IOException;
    }

    record Route(String method, Pattern path, boolean api, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final List<String[]> nav = new ArrayList<>();

    void get(String regex, Handler h) {
        routes.add(new Route("GET", Pattern.compile(regex), regex.startsWith("/api/"), h));
    }

    void post(String regex, Handler h) {
        routes.add(new Route("POST", Pattern.compile(regex), regex.startsWith("/api/"), h));
    }

    /** A link in the top bar of every page. */
    void nav(String label, String href) {
        nav.add(new String[] {label, href});
    }

    List<Route> all() {
        return routes;
    }

    List<String[]> navLinks() {
        return nav;
    }
}

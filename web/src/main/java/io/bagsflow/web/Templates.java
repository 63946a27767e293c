package io.bagsflow.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.bagsflow.model.Formats;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pages' Mustache templates (in {@code templates/} beside this class), compiled once when the class loads so a
 * broken template fails the server's start rather than a request. Every {@code {{value}}} is escaped by
 * {@link Formats#html}, the one escaper of pages and reports; the views are records prepared in Java (formatted
 * with {@link Formats}), the templates only lay them out.
 *
 * <p>Unescaped output ({@code {{{...}}}}) is allowed only for fields whose name ends in {@code Html} (markup this
 * server drew itself: SVG charts, a page body rendered from another template) or {@code Json} (a document for a
 * page's script, made safe inside a script element by {@link Html#scriptJson}); {@code TemplatesTest} checks that.
 */
final class Templates {

    /** Where the templates live on the class path. */
    static final String ROOT = "io/bagsflow/web/templates";

    /** Every template, compiled at class load. */
    static final List<String> NAMES =
            List.of("layout", "error", "runs", "run", "evaluations", "model", "compare", "experiments", "experiment");

    private static final Map<String, Mustache> COMPILED = compileAll();

    private Templates() {}

    /** Loads the class, and so compiles every template: a server with a broken one does not start. */
    static void compile() {
        // the work is COMPILED's initializer
    }

    /** The template {@code name} laid out over {@code view}. */
    static String render(String name, Object view) {
        Mustache m = COMPILED.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no template " + name + " in " + ROOT + " (known: " + NAMES + ")");
        }
        StringWriter out = new StringWriter(8192);
        try {
            m.execute(out, view).flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Map<String, Mustache> compileAll() {
        EscapingFactory factory = new EscapingFactory();
        Map<String, Mustache> out = new LinkedHashMap<>();
        for (String name : NAMES) {
            try {
                out.put(name, factory.compile(name + ".mustache"));
            } catch (MustacheException e) {
                throw new IllegalStateException(ROOT + "/" + name + ".mustache: " + e.getMessage(), e);
            }
        }
        return Map.copyOf(out);
    }

    /** Mustache's factory with our escaper in place of its own, so templates and reports escape alike. */
    private static final class EscapingFactory extends DefaultMustacheFactory {

        EscapingFactory() {
            super(ROOT);
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(Formats.html(value));
            } catch (IOException e) {
                throw new MustacheException("writing an escaped value failed", e);
            }
        }
    }
}

package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.model.Formats;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The templates compile, escape every value with the one escaper, and leave unescaped only markup we drew. */
class TemplatesTest {

    @Test
    void everyTemplateCompilesWhenTheServerStarts() {
        Templates.compile();
        for (String name : Templates.NAMES) {
            assertNotNull(
                    Templates.class.getClassLoader().getResource(Templates.ROOT + "/" + name + ".mustache"), name);
        }
    }

    @Test
    void valuesAreEscapedByTheEscaperThePagesAndReportsShare() {
        String message = "<img src=x onerror='alert(1)'> & \"quoted\"";
        String page = Templates.render("error", new UiServer.ErrorPage(404, message));
        assertTrue(page.contains("<p class=\"error\">" + Formats.html(message) + "</p>"), page);
        assertFalse(page.contains("<img"), page);
    }

    @Test
    void thePageFrameEscapesTheTitleAndNavigationButNotTheBodyItWasGiven() {
        String page = Templates.render(
                "layout",
                new UiContext.Layout(
                        "run <b>'1'</b>",
                        List.of(new UiContext.NavLink("runs & more", "/runs?a=1&b=2")),
                        "<h1 id=\"body\">drawn here</h1>"));
        assertTrue(page.contains("<title>run &lt;b&gt;&#39;1&#39;&lt;/b&gt; · bagsflow</title>"), page);
        assertTrue(page.contains("<a href=\"/runs?a=1&amp;b=2\">runs &amp; more</a>"), page);
        assertTrue(page.contains("<h1 id=\"body\">drawn here</h1>"), page);
    }

    @Test
    void jsonForAPageScriptParsesToTheSameDocumentAndCannotCloseItsElement() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String doc = json.createObjectNode()
                .put("name", "</script><!--<script>alert(1)</script>")
                .toString();
        String embedded = Html.scriptJson(doc);
        assertFalse(embedded.contains("<"), embedded);
        assertEquals(json.readTree(doc), json.readTree(embedded));
    }

    /** Triple mustaches and {@code &} tags: the only ways to print a value unescaped. */
    private static final Pattern UNESCAPED =
            Pattern.compile("\\{\\{\\{\\s*([^}\\s]+)\\s*}}}|\\{\\{&\\s*([^}\\s]+)\\s*}}");

    @Test
    void templatesPrintUnescapedOnlyFieldsNamedAsMarkupOrScriptJson() throws Exception {
        List<String> unescaped = new ArrayList<>();
        for (String name : Templates.NAMES) {
            String text;
            try (InputStream in =
                    Templates.class.getClassLoader().getResourceAsStream(Templates.ROOT + "/" + name + ".mustache")) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = UNESCAPED.matcher(text);
            while (m.find()) {
                String field = m.group(1) != null ? m.group(1) : m.group(2);
                unescaped.add(name + ":" + field);
                assertTrue(
                        field.endsWith("Html") || field.endsWith("Json"),
                        name + ".mustache prints " + field + " unescaped: only fields ending in Html (markup this "
                                + "server drew) or Json (Html.scriptJson) may be");
            }
        }
        // the body of every page, the run page's graphs and document, the compare and experiment plots
        assertTrue(unescaped.contains("layout:bodyHtml"), unescaped.toString());
        assertTrue(unescaped.contains("run:runJson"), unescaped.toString());
    }
}

package io.bagsflow.web;

import io.bagsflow.worker.history.RunViews.ModelPage;
import io.bagsflow.worker.history.RunViews.ModelView;
import java.io.IOException;

/** A model's page: its lineage from the dataset and groups through its ancestors to its checkpoint; evaluations. */
final class ModelPages implements UiModule {

    @Override
    public void register(Routes routes, UiContext ui) {
        routes.get("/models/([^/]+)", r -> model(r, ui));
    }

    private static void model(Request r, UiContext ui) throws IOException {
        String id = r.pathGroup(1);
        ModelPage m = ui.backend.history().model(id).orElseThrow(() -> HttpError.notFound("unknown model " + id));
        StringBuilder h = new StringBuilder(8192);
        h.append("<h1>model ")
                .append(Html.esc(m.modelId()))
                .append("</h1>\n<p class=\"sub\">")
                .append(Html.esc(m.kind()))
                .append(" · generation ")
                .append(m.generation())
                .append(" · run <a href=\"/runs/")
                .append(Html.url(m.runId()))
                .append("\">")
                .append(Html.esc(m.runId()))
                .append("</a> · code ")
                .append(Html.esc(m.codeVersion()))
                .append(" · created ")
                .append(Html.time(m.createdAt()))
                .append(" · <a href=\"/api/models/")
                .append(Html.url(m.modelId()))
                .append("\">JSON</a></p>\n");

        h.append("<h2>Lineage</h2>\n<ol id=\"lineage\" class=\"lineage\">\n")
                .append("<li><span class=\"what\">dataset</span> ")
                .append(Html.esc(m.dataset()))
                .append("</li>\n")
                .append("<li><span class=\"what\">manifest</span> ")
                .append(link(m.manifestSha256()))
                .append("</li>\n")
                .append("<li><span class=\"what\">groups</span> ")
                .append(link(m.groupsSha256()))
                .append("</li>\n");
        for (ModelView a : m.ancestry()) {
            h.append("<li class=\"model\"><span class=\"what\">gen ")
                    .append(a.generation())
                    .append(' ')
                    .append(Html.esc(a.kind()))
                    .append("</span> ");
            if (a.modelId().equals(m.modelId())) {
                h.append("<b>").append(Html.esc(a.modelId())).append("</b>");
            } else {
                h.append("<a href=\"/models/")
                        .append(Html.url(a.modelId()))
                        .append("\">")
                        .append(Html.esc(a.modelId()))
                        .append("</a>");
            }
            h.append(" checkpoint ").append(link(a.checkpointSha256())).append("</li>\n");
        }
        h.append("</ol>\n");
        RunPages.evaluations(h, m.evaluations().stream().toList());
        h.append("<p><a href=\"/compare?models=").append(Html.url(m.modelId()));
        if (m.parentModelId() != null) {
            h.append(",").append(Html.url(m.parentModelId()));
        }
        h.append("\">compare")
                .append(m.parentModelId() == null ? "" : " with its parent")
                .append("</a></p>\n")
                .append("<details><summary>configuration</summary><pre><code>")
                .append(Html.esc(m.config() == null ? "" : m.config().toPrettyString()))
                .append("</code></pre></details>\n");
        r.send(200, "text/html; charset=utf-8", ui.page(m.modelId(), h.toString()));
    }

    private static String link(String sha) {
        return sha == null ? "-" : "<a href=\"/artifacts/" + Html.esc(sha) + "\">" + Html.sha(sha) + "</a>";
    }
}

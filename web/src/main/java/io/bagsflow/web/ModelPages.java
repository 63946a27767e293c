package io.bagsflow.web;

import io.bagsflow.worker.history.RunViews.ModelPage;
import java.io.IOException;
import java.util.List;

/** A model's page: its lineage from the dataset and groups through its ancestors to its checkpoint; evaluations. */
final class ModelPages implements UiModule {

    @Override
    public void register(Routes routes, UiContext ui) {
        routes.get("/models/([^/]+)", r -> model(r, ui));
    }

    /** A model's page: what it is, its lineage, its evaluations. */
    record ModelPageView(
            String modelId,
            String modelUrl,
            String kind,
            int generation,
            Html.Link run,
            String codeVersion,
            String created,
            String dataset,
            Html.Sha manifest,
            Html.Sha groups,
            List<Ancestor> ancestry,
            RunPages.Evaluations evaluations,
            String compareModels,
            boolean hasParent,
            String config) {}

    /** One model of the lineage, oldest first; {@code self} is the page's own. */
    record Ancestor(int generation, String kind, Html.Link link, boolean self, Html.Sha checkpoint) {}

    private static void model(Request r, UiContext ui) throws IOException {
        String id = r.pathGroup(1);
        ModelPage m = ui.backend.history().model(id).orElseThrow(() -> HttpError.notFound("unknown model " + id));
        List<Ancestor> ancestry = m.ancestry().stream()
                .map(a -> new Ancestor(
                        a.generation(),
                        a.kind(),
                        Html.model(a.modelId()),
                        a.modelId().equals(m.modelId()),
                        Html.Sha.of(a.checkpointSha256())))
                .toList();
        ModelPageView view = new ModelPageView(
                m.modelId(),
                Html.url(m.modelId()),
                m.kind(),
                m.generation(),
                Html.run(m.runId()),
                m.codeVersion(),
                Html.time(m.createdAt()),
                m.dataset(),
                Html.Sha.of(m.manifestSha256()),
                Html.Sha.of(m.groupsSha256()),
                ancestry,
                RunPages.evaluations(m.evaluations().stream().toList()),
                Html.url(m.modelId()) + (m.parentModelId() == null ? "" : "," + Html.url(m.parentModelId())),
                m.parentModelId() != null,
                m.config() == null ? "" : m.config().toPrettyString());
        r.send(200, "text/html; charset=utf-8", ui.page(m.modelId(), "model", view));
    }
}

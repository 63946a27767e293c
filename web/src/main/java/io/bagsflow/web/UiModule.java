package io.bagsflow.web;

/**
 * A part of the UI: its pages, API endpoints and top-bar link. The extension point for new pages (experiments:
 * an {@code ExperimentPages} module registering {@code /experiments}, {@code /experiments/{id}},
 * {@code /api/experiments} and {@code /api/experiments/{id}}, added to {@link UiServer#MODULES}).
 */
interface UiModule {

    void register(Routes routes, UiContext ui);
}

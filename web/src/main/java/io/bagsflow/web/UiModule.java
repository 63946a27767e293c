package io.bagsflow.web;

/**
 * A part of the UI: its pages, API endpoints and top-bar link. The extension point for new pages: a module
 * registers its routes (as {@link ExperimentPages} does for {@code /experiments} and {@code /api/experiments}) and
 * is added to {@link UiServer#MODULES}.
 */
interface UiModule {

    void register(Routes routes, UiContext ui);
}

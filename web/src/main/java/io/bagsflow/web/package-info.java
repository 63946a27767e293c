/**
 * The web UI and its JSON API on the JDK's HTTP server: routing, sessions and action tokens, the run, model,
 * compare and experiment pages, and run actions (retry, abort). Pages are Mustache templates in {@code templates/}
 * over view records prepared here (formatted with {@code Formats}); the templates escape every value, and only
 * markup this server drew (the SVG of {@link io.bagsflow.web.RunGraphs} and the report charts) goes out unescaped.
 * Reads through UiBackend (history views of the worker module) and returns the CLI's JSON shapes; no direct SQL or
 * Temporal calls.
 */
package io.bagsflow.web;

/**
 * The web UI and its JSON API on the JDK's HTTP server: routing, sessions and action tokens, the run, model,
 * compare and experiment pages, and run actions (retry, abort). Reads through UiBackend (history views of the
 * worker module) and returns the CLI's JSON shapes; no direct SQL or Temporal calls.
 */
package io.bagsflow.web;

package io.bagsflow.model.spec;

/**
 * Where to tell someone that a run ended or waits for a retry: a webhook URL (http or https) that gets a JSON POST.
 * Without it, the worker's {@code BAGSFLOW_NOTIFY_WEBHOOK} is used, if set. Never part of a stage key.
 */
public record NotifySpec(String webhook) {}

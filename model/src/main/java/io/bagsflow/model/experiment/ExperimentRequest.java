package io.bagsflow.model.experiment;

/** Starts an experiment: its id (also the workflow id and the prefix of its cells' run ids) and its spec. */
public record ExperimentRequest(String experimentId, ExperimentSpec spec) {}

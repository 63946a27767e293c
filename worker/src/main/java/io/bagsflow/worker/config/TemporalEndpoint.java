package io.bagsflow.worker.config;

/** The Temporal frontend (host:port) and namespace. */
public record TemporalEndpoint(String address, String namespace) {

    public static final String DEFAULT_NAMESPACE = "default";

    @Override
    public String toString() {
        return address + " namespace " + namespace;
    }
}

package io.bagsflow.worker.config;

/**
 * The Temporal frontend (host:port), namespace, and the TLS files to reach it with: the embedded Temporal sits
 * behind a proxy that lets in only clients presenting a certificate of the home's own authority.
 *
 * @param tls null for a plain connection
 */
public record TemporalEndpoint(String address, String namespace, TlsFiles tls) {

    public static final String DEFAULT_NAMESPACE = "default";

    public TemporalEndpoint(String address, String namespace) {
        this(address, namespace, null);
    }

    @Override
    public String toString() {
        return address + " namespace " + namespace + (tls == null ? "" : " (TLS, client certificate)");
    }
}

package io.bagsflow.worker.config;

import java.nio.file.Path;

/**
 * What a client needs for a mutually authenticated TLS connection: the authority that signed the server's
 * certificate, and its own certificate and key (PEM; the key PKCS#8). Generated into {@code BAGSFLOW_HOME/tls}
 * (owner-only) by the embedded default; a worker on another machine gets copies.
 */
public record TlsFiles(Path caCertificate, Path clientCertificate, Path clientKey) {

    /** The files as {@code CertificateAuthority} lays them out in {@code dir}. */
    public static TlsFiles in(Path dir) {
        return new TlsFiles(dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"));
    }

    /** Refuses a file that is a link or another account's: a planted key or authority would let someone in. */
    public TlsFiles checked() {
        PrivateFiles.requireOwnedNoSymlink(caCertificate);
        PrivateFiles.requireOwnedNoSymlink(clientCertificate);
        PrivateFiles.requireOwnedNoSymlink(clientKey);
        return this;
    }
}

package io.bagsflow.worker.embedded;

/**
 * {@code up --bind ADDRESS}: the embedded services also listen on {@code address}, for workers on other machines,
 * and only over TLS there, with server certificates from the home's {@code authority} (valid for that address).
 */
public record RemoteAccess(String address, CertificateAuthority authority) {

    /** The address as a URL's host: IPv6 in brackets. */
    public String hostInUrl() {
        return address.contains(":") ? "[" + address + "]" : address;
    }
}

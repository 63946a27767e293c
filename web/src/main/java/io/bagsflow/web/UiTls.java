package io.bagsflow.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The TLS side of a UI served to other machines: its server certificate and key, from a PKCS#12 key store. */
public final class UiTls {

    private UiTls() {}

    /**
     * A server context presenting the certificate and key of {@code keyStore} (PKCS#12, {@code password}), such as
     * the one the home's authority writes for {@code up --bind}.
     */
    public static SSLContext server(Path keyStore, String password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    keyStore + ": cannot serve the web UI over HTTPS with this key store: " + e.getMessage(), e);
        }
    }
}

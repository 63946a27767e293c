package io.bagsflow.web;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The UI's login, as Jupyter does it: every request, page or API, read or write, must show the home's secret.
 * {@code up} and {@code ui} print a URL that carries it once ({@code ?token=SECRET}); the server answers that with a
 * cookie (HttpOnly, SameSite=Strict) and a redirect to the same URL without the token, so it stays out of the
 * browser's history and address bar. Scripts send {@code Authorization: Bearer SECRET}. Anything else gets 401.
 *
 * <p>The cookie holds HMAC(secret, port) rather than the secret, and its name carries the port: browsers share
 * cookies between all ports of 127.0.0.1, so the UIs of two homes must not overwrite each other's login.
 */
final class UiAuth {

    static final String TOKEN_PARAMETER = "token";

    private final byte[] secret;
    private final String cookieName;
    private final String cookieValue;

    /** Whether the cookie is sent back over HTTPS only: the UI serves HTTPS (a UI for other machines). */
    private final boolean secure;

    UiAuth(String secret, int port, boolean secure) {
        this.secure = secure;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.cookieName = "bagsflow_auth_" + port;
        this.cookieValue = hmac(this.secret, "bagsflow-ui-cookie:" + port);
    }

    /** What to do with a request: let it through, log the browser in (redirect), or refuse it. */
    enum Outcome {
        ALLOWED,
        LOGGED_IN,
        REFUSED
    }

    Outcome check(Request r) throws java.io.IOException {
        String auth = r.header("Authorization");
        if (auth != null
                && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(auth.substring(7).trim())) {
            return Outcome.ALLOWED;
        }
        String cookie = r.cookie(cookieName);
        if (cookie != null
                && MessageDigest.isEqual(
                        cookie.getBytes(StandardCharsets.UTF_8), cookieValue.getBytes(StandardCharsets.UTF_8))) {
            return Outcome.ALLOWED;
        }
        String token = r.query(TOKEN_PARAMETER);
        if (token != null && matches(token)) {
            r.exchange
                    .getResponseHeaders()
                    .add(
                            "Set-Cookie",
                            cookieName + "=" + cookieValue + "; Path=/; HttpOnly; SameSite=Strict"
                                    + (secure ? "; Secure" : ""));
            r.redirect(withoutToken(r.exchange.getRequestURI()));
            return Outcome.LOGGED_IN;
        }
        return Outcome.REFUSED;
    }

    private boolean matches(String candidate) {
        return MessageDigest.isEqual(secret, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The request's path and query with every {@code token} parameter removed. */
    static String withoutToken(URI uri) {
        String raw = uri.getRawQuery();
        List<String> kept = new ArrayList<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (!pair.isEmpty() && !name.equals(TOKEN_PARAMETER)) {
                    kept.add(pair);
                }
            }
        }
        return uri.getRawPath() + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    private static String hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.bagsflow.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-session tokens against cross-site requests: each browser gets a random session cookie (HttpOnly,
 * SameSite=Strict), and the pages put HMAC(server secret, session) into their forms. A POST must carry both, and
 * another site can read neither. The secret lives only in this process, so tokens end with the server.
 */
final class Sessions {

    static final String COOKIE = "bagsflow_session";

    private final SecureRandom random = new SecureRandom();
    private final byte[] secret = new byte[32];

    Sessions() {
        random.nextBytes(secret);
    }

    /** The browser's session id, issuing a new cookie when it has none. */
    String session(Request r) {
        String s = r.cookie(COOKIE);
        if (s != null && s.matches("[A-Za-z0-9_-]{43}")) {
            return s;
        }
        byte[] id = new byte[32];
        random.nextBytes(id);
        s = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        r.exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + s + "; Path=/; HttpOnly; SameSite=Strict");
        return s;
    }

    String token(String session) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(session.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Throws 403 unless the request has a session cookie and the form carries its token. */
    void check(Request r, String formToken) {
        String s = r.cookie(COOKIE);
        if (s == null
                || formToken == null
                || !MessageDigest.isEqual(
                        token(s).getBytes(StandardCharsets.UTF_8), formToken.getBytes(StandardCharsets.UTF_8))) {
            throw HttpError.forbidden("missing or wrong session token: reload the page and try again");
        }
    }
}

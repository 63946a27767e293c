package io.bagsflow.worker.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A random secret kept in an owner-only file of the home, generated on first use and the same afterwards: the web
 * UI's access token ({@link BagsflowHome#uiSecret()}). Only the home's owner can read it, so only the owner (and
 * whoever they hand a URL to) gets past the UI's login.
 */
public final class HomeSecret {

    private HomeSecret() {}

    /** The secret in {@code file}, generating 256 random bits into it (mode 0600) when there is none. */
    public static String loadOrCreate(Path file) {
        try {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                String s = SecretFiles.readString(file).trim();
                if (s.matches("[A-Za-z0-9_-]{32,}")) {
                    return s;
                }
                throw new ConfigurationException(file + " does not hold a secret (32 or more of A-Z a-z 0-9 _ -): "
                        + "delete it and a new one is made");
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            SecretFiles.writeString(file, secret + "\n");
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the secret " + file + ": " + e.getMessage(), e);
        }
    }
}

package io.bagsflow.worker.config;

import java.util.regex.Pattern;

/**
 * Masks passwords inside text that may hold a URL (a JDBC URL with {@code ?password=...}, or
 * {@code scheme://user:secret@host}), so addresses can be printed and logged: {@code password=****}.
 */
public final class Redaction {

    public static final String MASK = "****";
    // any parameter whose name ends in "password" (password, sslpassword), up to the next separator
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;][^=&;#?\\s]*password=)[^&;#\\s]*");
    // user:secret@ right after the scheme's //
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]*:)[^/@\\s]*@");

    private Redaction() {}

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = PASSWORD_PARAMETER.matcher(text).replaceAll("$1" + MASK);
        return USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }
}

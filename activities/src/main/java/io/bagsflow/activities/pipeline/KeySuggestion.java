package io.bagsflow.activities.pipeline;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The known key a mistyped one most likely meant: the same letters ignoring case, '_' and '-'
 * ({@code learning_rate} → {@code learningRate}), else the closest by edit distance if it is close enough.
 */
public final class KeySuggestion {

    private KeySuggestion() {}

    /** " (did you mean learningRate?)", or "" when no known key is close. */
    public static String didYouMean(String typed, Collection<?> known) {
        return closest(typed, known).map(k -> " (did you mean " + k + "?)").orElse("");
    }

    public static Optional<String> closest(String typed, Collection<?> known) {
        if (typed == null || known == null) {
            return Optional.empty();
        }
        String t = normal(typed);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Object o : known) {
            String k = String.valueOf(o);
            if (normal(k).equals(t)) {
                return Optional.of(k);
            }
            int d = distance(t, normal(k));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        int allowed = Math.max(1, Math.min(3, t.length() / 4));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}

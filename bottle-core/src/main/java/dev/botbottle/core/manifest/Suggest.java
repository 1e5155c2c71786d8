package dev.botbottle.core.manifest;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" hints by edit distance. */
final class Suggest {
    private Suggest() {
    }

    /**
     * @param unknown what the user wrote
     * @param candidates the allowed words
     * @return the closest candidate, if it is close enough to be a plausible typo
     */
    static Optional<String> closest(String unknown, Collection<String> candidates) {
        String u = unknown.toLowerCase(Locale.ROOT).replace('-', '_');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            String cl = c.toLowerCase(Locale.ROOT).replace('-', '_');
            int d = distance(u, cl);
            boolean prefix = u.length() >= 3 && (cl.startsWith(u) || u.startsWith(cl));
            int limit = Math.max(2, Math.min(u.length(), cl.length()) / 3);
            if ((d <= limit || prefix) && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, with the transposition of two neighbours counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * @param key the unknown key
     * @param allowed the allowed keys, in the order to list them
     * @return {@code unknown key 'x'; did you mean 'y'? allowed keys: a, b, c}
     */
    static String unknownKey(String key, Collection<String> allowed) {
        StringBuilder sb = new StringBuilder("unknown key '").append(KeyPaths.display(key)).append('\'');
        closest(key, allowed).ifPresent(c -> sb.append("; did you mean '").append(c).append("'?"));
        if (allowed.isEmpty()) {
            return sb.append("; no keys are allowed here").toString();
        }
        return sb.append(sb.charAt(sb.length() - 1) == '?' ? " " : "; ").append("allowed keys: ")
                .append(String.join(", ", allowed)).toString();
    }
}

package dev.botbottle.egress.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * Checks a request path as the upstream may read it, so a route's {@code matches} judge what the upstream serves:
 * dot segments (also {@code %2e}, double-encoded, and with {@code ;parameters} as in {@code ..;}), encoded slashes
 * and backslashes are refused on hosts whose routes have matches, since a prefix rule cannot judge them.
 */
final class PathCheck {

    private static final int DECODE_ROUNDS = 3;

    private PathCheck() {
    }

    /**
     * @param rawPath the path as sent, without the query
     * @return why a route's matches cannot judge it, or empty
     */
    static Optional<String> ambiguity(String rawPath) {
        if (rawPath.indexOf('\\') >= 0) {
            return Optional.of("has a backslash, which some servers read as '/'");
        }
        String p = rawPath;
        for (int round = 0; round < DECODE_ROUNDS && p.indexOf('%') >= 0; round++) {
            String lower = p.toLowerCase(Locale.ROOT);
            if (lower.contains("%2f") || lower.contains("%5c")) {
                return Optional.of("has an encoded slash or backslash (%2F, %5C)");
            }
            String next = decode(p);
            if (next.equals(p)) {
                break;
            }
            p = next;
        }
        if (p.indexOf('\\') >= 0) {
            return Optional.of("has an encoded backslash");
        }
        for (String seg : p.split("/", -1)) {
            int semi = seg.indexOf(';');
            String s = semi < 0 ? seg : seg.substring(0, semi);
            if (s.equals(".") || s.equals("..")) {
                return Optional.of("has dot segments ('.' or '..', also encoded or with ;parameters)");
            }
        }
        return Optional.empty();
    }

    private static String decode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                b.append((char) (Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16)));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

package dev.botbottle.dlp;

import java.util.ArrayList;
import java.util.List;

/**
 * Decoded views of a text, so a secret that was base64-, hex- or percent-encoded is still found: every decoded
 * character remembers the range of the original text it came from, and a finding in a view maps back to the
 * encoded span (what redaction replaces).
 *
 * <p>Views: the percent-decoded text (decoded again while it changes, at most three times, so double encoding
 * does not hide anything); every base64 run (standard and URL-safe alphabet, at all four alignments, since an
 * attacker can glue characters in front of the encoding) and every hex run (both alignments), of the original
 * text and of its percent-decoded view.
 */
final class EncodedViews {

    /** Runs shorter than this cannot hold a secret worth reporting ({@link DlpScanner#MIN_LITERAL_LENGTH} bytes). */
    static final int MIN_BASE64_RUN = 12;
    static final int MIN_HEX_RUN = 16;
    private static final int PERCENT_ROUNDS = 3;

    /**
     * One decoded view.
     *
     * @param label how it was decoded, appended to rule names ({@code base64}, {@code hex}, {@code percent-encoded})
     * @param text the decoded text, one char per byte (ISO-8859-1)
     * @param from for each char of {@code text}, the first original index it came from
     * @param to for each char of {@code text}, the original index after the last one it came from
     */
    record View(String label, String text, int[] from, int[] to) {
        int originalStart(int start) {
            return from[start];
        }

        int originalEnd(int end) {
            return end == 0 ? from[0] : to[end - 1];
        }
    }

    private EncodedViews() {
    }

    /**
     * @param text the original text
     * @return its decoded views; empty when nothing in it looks encoded
     */
    static List<View> of(String text) {
        List<View> out = new ArrayList<>();
        View percent = percent(text);
        if (percent != null) {
            out.add(percent);
        }
        runs(new View("", text, null, null), out);
        if (percent != null) {
            runs(percent, out);
        }
        return out;
    }

    private static void runs(View base, List<View> out) {
        String s = base.text();
        int n = s.length();
        for (int i = 0; i < n; ) {
            if (!isBase64(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isBase64(s.charAt(i))) {
                i++;
            }
            for (int shift = 0; shift < 4 && i - start - shift >= MIN_BASE64_RUN; shift++) {
                base64(base, start + shift, i, out);
            }
        }
        for (int i = 0; i < n; ) {
            if (!isHex(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isHex(s.charAt(i))) {
                i++;
            }
            for (int shift = 0; shift < 2 && i - start - shift >= MIN_HEX_RUN; shift++) {
                hex(base, start + shift, i, out);
            }
        }
    }

    private static boolean isBase64(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                || c == '-' || c == '_';
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int base64Value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '+' || c == '-' ? 62 : 63;
    }

    private static void base64(View base, int start, int end, List<View> out) {
        String s = base.text();
        int groups = (end - start) / 4;
        int tail = (end - start) % 4; // 2 or 3 chars still carry 1 or 2 bytes (unpadded encodings)
        int bytes = groups * 3 + (tail >= 2 ? tail - 1 : 0);
        StringBuilder b = new StringBuilder(bytes);
        int[] from = new int[bytes];
        int[] to = new int[bytes];
        int bits = 0;
        int acc = 0;
        int k = 0;
        int groupStart = start;
        for (int i = start; i < end && k < bytes; i++) {
            if ((i - start) % 4 == 0) {
                groupStart = i;
            }
            acc = (acc << 6) | base64Value(s.charAt(i));
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                b.append((char) ((acc >> bits) & 0xFF));
                from[k] = groupStart;
                to[k] = Math.min(end, groupStart + 4);
                k++;
            }
        }
        out.add(compose(base, new View(join(base.label(), "base64"), b.toString(), from, to)));
    }

    private static void hex(View base, int start, int end, List<View> out) {
        String s = base.text();
        int bytes = (end - start) / 2;
        StringBuilder b = new StringBuilder(bytes);
        int[] from = new int[bytes];
        int[] to = new int[bytes];
        for (int k = 0; k < bytes; k++) {
            int i = start + 2 * k;
            b.append((char) (Character.digit(s.charAt(i), 16) * 16 + Character.digit(s.charAt(i + 1), 16)));
            from[k] = i;
            to[k] = i + 2;
        }
        out.add(compose(base, new View(join(base.label(), "hex"), b.toString(), from, to)));
    }

    /** @return the percent-decoded view, or null when the text has no {@code %XX} */
    private static View percent(String text) {
        View current = null;
        String s = text;
        for (int round = 0; round < PERCENT_ROUNDS; round++) {
            int n = s.length();
            int first = s.indexOf('%');
            if (first < 0 || first + 2 >= n) {
                break;
            }
            StringBuilder b = new StringBuilder(n);
            int[] from = new int[n];
            int[] to = new int[n];
            boolean changed = false;
            int k = 0;
            for (int i = 0; i < n; ) {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < n && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                    b.append((char) (Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16)));
                    from[k] = i;
                    to[k] = i + 3;
                    i += 3;
                    changed = true;
                } else {
                    b.append(c);
                    from[k] = i;
                    to[k] = i + 1;
                    i++;
                }
                k++;
            }
            if (!changed) {
                break;
            }
            View v = new View("percent-encoded", b.toString(), java.util.Arrays.copyOf(from, k),
                    java.util.Arrays.copyOf(to, k));
            current = current == null ? v : compose(current, v);
            s = v.text();
        }
        return current;
    }

    /** @return {@code inner} (indices into {@code base.text()}) re-mapped to the original text */
    private static View compose(View base, View inner) {
        if (base.from() == null) {
            return inner;
        }
        int n = inner.text().length();
        int[] from = new int[n];
        int[] to = new int[n];
        for (int i = 0; i < n; i++) {
            from[i] = base.from()[inner.from()[i]];
            to[i] = base.to()[inner.to()[i] - 1];
        }
        return new View(inner.label(), inner.text(), from, to);
    }

    private static String join(String outer, String inner) {
        return outer.isEmpty() ? inner : inner + " in " + outer;
    }
}

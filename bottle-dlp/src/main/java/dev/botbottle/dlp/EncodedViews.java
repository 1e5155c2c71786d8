package dev.botbottle.dlp;

import java.util.Arrays;
import java.util.List;

/**
 * Finds secrets in decoded views of a text, so a secret that was base64-, hex- or percent-encoded is still found;
 * a finding in a view maps back to the encoded span (what redaction replaces).
 *
 * <p>Views: the percent-decoded text (decoded again while it changes, at most three times, so double encoding
 * does not hide anything); every base64 run (standard and URL-safe alphabet, at all four alignments, since an
 * attacker can glue characters in front of the encoding) and every hex run (both alignments), of the original
 * text and of its percent-decoded view.
 *
 * <p>Fast path: when every rule has triggers ({@link Needles}), a base64 run is decoded only where a needle's
 * base64 core occurs in it, from {@link #LOOK_BEHIND} bytes before the first such place to the run's end, and only
 * at the alignments that place fixes; a run without any core cannot hold a finding and costs one pass. Runs of the
 * percent-decoded view that hold no decoded escape equal runs of the original text and are not decoded twice.
 */
final class EncodedViews {

    /** Runs shorter than this cannot hold a secret worth reporting ({@link DlpScanner#MIN_LITERAL_LENGTH} bytes). */
    static final int MIN_BASE64_RUN = 12;
    static final int MIN_HEX_RUN = 16;
    /** How far before its trigger a rule's match may start (e.g. {@code -----BEGIN RSA PRIVATE KEY}). */
    static final int LOOK_BEHIND = 256;
    private static final int PERCENT_ROUNDS = 3;
    private static final byte[] B64 = new byte[256];
    private static final byte[] HEX = new byte[256];
    /** -1 for a char of the class, 0 otherwise */
    private static final int[] B64_MASK = new int[256];
    private static final int[] HEX_MASK = new int[256];

    static {
        Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX['a' + i] = (byte) (10 + i);
            HEX['A' + i] = (byte) (10 + i);
        }
        Arrays.fill(B64, (byte) -1);
        for (int i = 0; i < 26; i++) {
            B64['A' + i] = (byte) i;
            B64['a' + i] = (byte) (26 + i);
        }
        for (int i = 0; i < 10; i++) {
            B64['0' + i] = (byte) (52 + i);
        }
        B64['+'] = 62;
        B64['-'] = 62;
        B64['/'] = 63;
        B64['_'] = 63;
        for (int c = 0; c < 256; c++) {
            B64_MASK[c] = B64[c] >= 0 ? -1 : 0;
            HEX_MASK[c] = HEX[c] >= 0 ? -1 : 0;
        }
    }

    /**
     * A text scanned for runs, with the map of each of its chars back to the original text (null: it is the
     * original).
     */
    private record Base(String label, String text, int[] from, int[] to) {
        int start(int i) {
            return from == null ? i : from[i];
        }

        int end(int i) { // i: an exclusive end index into text, > 0
            return to == null ? i : to[i - 1];
        }

        boolean decoded(int i) {
            return from != null && to[i] - from[i] > 1;
        }
    }

    private EncodedViews() {
    }

    /**
     * Scans the decoded views of {@code text} and adds what they hold to {@code out}.
     *
     * @param scanner the scanner (its plain {@link DlpScanner#scan} runs on every decoded piece)
     * @param needles the scanner's needles, or null when some rule has none (then every run is decoded whole)
     * @param text the original text
     * @param out where findings go, labelled {@code <rule> (<encoding>)}
     */
    static void scanInto(DlpScanner scanner, Needles needles, String text, List<DlpFinding> out) {
        Base original = new Base("", text, null, null);
        Base percent = percent(text);
        if (percent != null) {
            for (DlpFinding f : scanner.scan(percent.text())) {
                add(out, f.rule(), percent.label(), percent.start(f.start()),
                        f.end() == 0 ? percent.start(0) : percent.end(f.end()));
            }
        }
        runs(scanner, needles, original, out);
        if (percent != null) {
            runs(scanner, needles, percent, out);
        }
    }

    private static void add(List<DlpFinding> out, String rule, String label, int start, int end) {
        out.add(new DlpFinding(rule + " (" + label + ")", start, Math.max(start, end)));
    }

    private static void runs(DlpScanner scanner, Needles needles, Base base, List<DlpFinding> out) {
        // one byte per char: a char past 0xFF becomes '?', which is neither base64 nor hex, as the char was not
        byte[] s = base.text().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = s.length;
        boolean view = base.from() != null;
        int[] firstByte = new int[4];
        if (!view) {
            runsOfOriginal(scanner, needles, base, s, firstByte, out);
            return;
        }
        int b64Start = -1;
        int hexStart = -1;
        boolean b64Escape = false;
        boolean hexEscape = false;
        for (int i = 0; i <= n; i++) {
            int c = i < n ? s[i] & 0xFF : 0;
            boolean b64 = B64[c] >= 0;
            boolean hex = b64 && HEX[c] >= 0;
            boolean escape = view && i < n && base.decoded(i);
            if (hex) {
                if (hexStart < 0) {
                    hexStart = i;
                    hexEscape = false;
                }
                hexEscape |= escape;
            } else if (hexStart >= 0) {
                if (i - hexStart >= MIN_HEX_RUN && (!view || hexEscape)) {
                    for (int shift = 0; shift < 2 && i - hexStart - shift >= MIN_HEX_RUN; shift++) {
                        hex(scanner, base, s, hexStart + shift, i, out);
                    }
                }
                hexStart = -1;
            }
            if (b64) {
                if (b64Start < 0) {
                    b64Start = i;
                    b64Escape = false;
                }
                b64Escape |= escape;
            } else if (b64Start >= 0) {
                if (i - b64Start >= MIN_BASE64_RUN && (!view || b64Escape)) {
                    base64Run(scanner, needles, base, s, b64Start, i, firstByte, out);
                }
                b64Start = -1;
            }
        }
    }

    /**
     * The run finder of the original text, without branches on each char's class (random bytes make those
     * unpredictable): run lengths grow by one and reset to zero through a mask; only a run's end is a branch.
     */
    private static void runsOfOriginal(DlpScanner scanner, Needles needles, Base base, byte[] s, int[] firstByte,
                                       List<DlpFinding> out) {
        int n = s.length;
        int b64 = 0;
        int hex = 0;
        for (int i = 0; i < n; i++) {
            int c = s[i] & 0xFF;
            int nb = (b64 + 1) & B64_MASK[c];
            int nh = (hex + 1) & HEX_MASK[c];
            // 1 where a run ends here long enough to look at, in arithmetic: one branch, nearly never taken
            int endsB = ((nb - 1) >>> 31) & (~(b64 - MIN_BASE64_RUN) >>> 31);
            int endsH = ((nh - 1) >>> 31) & (~(hex - MIN_HEX_RUN) >>> 31);
            if ((endsB | endsH) != 0) {
                if (nh == 0 && hex >= MIN_HEX_RUN) {
                    hexRun(scanner, base, s, i - hex, i, out);
                }
                if (nb == 0 && b64 >= MIN_BASE64_RUN) {
                    base64Run(scanner, needles, base, s, i - b64, i, firstByte, out);
                }
            }
            b64 = nb;
            hex = nh;
        }
        if (hex >= MIN_HEX_RUN) {
            hexRun(scanner, base, s, n - hex, n, out);
        }
        if (b64 >= MIN_BASE64_RUN) {
            base64Run(scanner, needles, base, s, n - b64, n, firstByte, out);
        }
    }

    private static void hexRun(DlpScanner scanner, Base base, byte[] s, int start, int end, List<DlpFinding> out) {
        for (int shift = 0; shift < 2 && end - start - shift >= MIN_HEX_RUN; shift++) {
            hex(scanner, base, s, start + shift, end, out);
        }
    }

    /** A run of the percent view holding no decoded escape equals a run of the original: it is skipped. */
    private static void base64Run(DlpScanner scanner, Needles needles, Base base, byte[] s, int start, int end,
                                  int[] firstByte, List<DlpFinding> out) {
        if (needles == null) {
            Arrays.fill(firstByte, 0);
        } else {
            Arrays.fill(firstByte, Integer.MAX_VALUE);
            needles.coresIn(s, start, end, firstByte);
        }
        for (int shift = 0; shift < 4 && end - start - shift >= MIN_BASE64_RUN; shift++) {
            if (firstByte[shift] != Integer.MAX_VALUE) {
                int fromByte = Math.max(0, firstByte[shift] - LOOK_BEHIND) / 3 * 3;
                base64(scanner, base, s, start + shift, end, fromByte, out);
            }
        }
    }

    private static boolean isBase64(char c) {
        return c < 256 && B64[c] >= 0;
    }

    private static boolean isHex(char c) {
        return c < 256 && HEX[c] >= 0;
    }

    /** @return the 6-bit value of a base64 char of either alphabet, -1 for any other char */
    static int base64Value(byte c) {
        return B64[c & 0xFF];
    }

    /**
     * Decodes the run {@code [start, end)} of {@code base} from its byte {@code fromByte} (a multiple of 3) to its
     * end and scans that. Decoded byte {@code k} comes from chars {@code [start + 4(k/3), start + 4(k/3) + 4)}.
     */
    private static void base64(DlpScanner scanner, Base base, byte[] s, int start, int end, int fromByte,
                               List<DlpFinding> out) {
        int groups = (end - start) / 4;
        int tail = (end - start) % 4; // 2 or 3 chars still carry 1 or 2 bytes (unpadded encodings)
        int bytes = groups * 3 + (tail >= 2 ? tail - 1 : 0);
        if (fromByte >= bytes) {
            return;
        }
        char[] b = new char[bytes - fromByte];
        int k = 0;
        int i = start + fromByte / 3 * 4;
        for (; i + 4 <= end; i += 4) {
            int v = B64[s[i] & 0xFF] << 18 | B64[s[i + 1] & 0xFF] << 12 | B64[s[i + 2] & 0xFF] << 6
                    | B64[s[i + 3] & 0xFF];
            b[k++] = (char) (v >>> 16 & 0xFF);
            b[k++] = (char) (v >>> 8 & 0xFF);
            b[k++] = (char) (v & 0xFF);
        }
        if (tail >= 2) {
            int v = B64[s[i] & 0xFF] << 18 | B64[s[i + 1] & 0xFF] << 12 | (tail == 3 ? B64[s[i + 2] & 0xFF] << 6 : 0);
            b[k++] = (char) (v >>> 16 & 0xFF);
            if (tail == 3) {
                b[k++] = (char) (v >>> 8 & 0xFF);
            }
        }
        List<DlpFinding> hits = scanner.scan(new String(b, 0, k));
        String label = join(base.label(), "base64");
        for (DlpFinding f : hits) {
            int first = fromByte + f.start();
            int last = fromByte + Math.max(f.start(), f.end() - 1);
            int from = start + first / 3 * 4;
            int to = Math.min(end, start + last / 3 * 4 + 4);
            add(out, f.rule(), label, base.start(from), base.end(to));
        }
    }

    private static void hex(DlpScanner scanner, Base base, byte[] s, int start, int end, List<DlpFinding> out) {
        int bytes = (end - start) / 2;
        char[] b = new char[bytes];
        for (int k = 0; k < bytes; k++) {
            int i = start + 2 * k;
            b[k] = (char) (HEX[s[i] & 0xFF] << 4 | HEX[s[i + 1] & 0xFF]);
        }
        String label = join(base.label(), "hex");
        for (DlpFinding f : scanner.scan(new String(b))) {
            int from = start + 2 * f.start();
            int to = start + 2 * Math.max(f.start() + 1, f.end());
            add(out, f.rule(), label, base.start(from), base.end(to));
        }
    }

    /** @return the percent-decoded view, or null when the text has no {@code %XX} */
    private static Base percent(String text) {
        Base current = null;
        String s = text;
        for (int round = 0; round < PERCENT_ROUNDS; round++) {
            int n = s.length();
            int first = firstEscape(s);
            if (first < 0) {
                break;
            }
            char[] b = new char[n];
            int[] from = new int[n];
            int[] to = new int[n];
            int k = 0;
            for (int i = 0; i < first; i++, k++) {
                b[k] = s.charAt(i);
                from[k] = i;
                to[k] = i + 1;
            }
            for (int i = first; i < n; k++) {
                char c = s.charAt(i);
                int hi;
                int lo;
                if (c == '%' && i + 2 < n && (hi = hexValue(s.charAt(i + 1))) >= 0
                        && (lo = hexValue(s.charAt(i + 2))) >= 0) {
                    b[k] = (char) (hi << 4 | lo);
                    from[k] = i;
                    to[k] = i + 3;
                    i += 3;
                } else {
                    b[k] = c;
                    from[k] = i;
                    to[k] = i + 1;
                    i++;
                }
            }
            Base v = new Base("percent-encoded", new String(b, 0, k), Arrays.copyOf(from, k), Arrays.copyOf(to, k));
            current = current == null ? v : compose(current, v);
            s = v.text();
        }
        return current;
    }

    /** @return the index of the first {@code %XX} escape (the last two chars excepted, as before), or -1 */
    private static int firstEscape(String s) {
        int n = s.length();
        for (int at = s.indexOf('%'); at >= 0 && at + 2 < n; at = s.indexOf('%', at + 1)) {
            if (hexValue(s.charAt(at + 1)) >= 0 && hexValue(s.charAt(at + 2)) >= 0) {
                return at;
            }
        }
        return -1;
    }

    private static int hexValue(char c) {
        return c < 256 ? HEX[c] : -1;
    }

    /** @return {@code inner} (indices into {@code base.text()}) re-mapped to the original text */
    private static Base compose(Base base, Base inner) {
        int n = inner.text().length();
        int[] from = new int[n];
        int[] to = new int[n];
        for (int i = 0; i < n; i++) {
            from[i] = base.from()[inner.from()[i]];
            to[i] = base.to()[inner.to()[i] - 1];
        }
        return new Base(inner.label(), inner.text(), from, to);
    }

    private static String join(String outer, String inner) {
        return outer.isEmpty() ? inner : inner + " in " + outer;
    }
}

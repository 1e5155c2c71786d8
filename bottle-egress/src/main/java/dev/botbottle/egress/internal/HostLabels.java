package dev.botbottle.egress.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Views of a host name in which a DNS-tunnel encoding shows the data it carries: the labels joined (a tunnel splits
 * its payload across labels of at most 63 characters), and every base32 decoding of the joined labels (DNS is
 * case-insensitive, so base32 is the tunnels' usual encoding; each of the 8 alignments, since an attacker can glue
 * characters in front). Bounded: a host name is at most 253 characters.
 */
final class HostLabels {

    /** Shortest base32 run worth decoding: 16 characters carry 10 bytes. */
    static final int MIN_BASE32_RUN = 16;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private HostLabels() {
    }

    /**
     * @param host a host name as the bottle sent it
     * @return the labels joined without dots, then the base32 decodings of its runs (as ISO-8859-1 text, so binary
     *         decodings stay one character per byte)
     */
    static List<String> views(String host) {
        String h = host.length() > 253 ? host.substring(0, 253) : host;
        String joined = h.replace(".", "");
        List<String> out = new ArrayList<>();
        out.add(joined);
        String lower = joined.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < lower.length()) {
            if (ALPHABET.indexOf(lower.charAt(i)) < 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < lower.length() && ALPHABET.indexOf(lower.charAt(i)) >= 0) {
                i++;
            }
            for (int shift = 0; shift < 8 && i - start - shift >= MIN_BASE32_RUN; shift++) {
                out.add(decode(lower, start + shift, i));
            }
        }
        return out;
    }

    private static String decode(String s, int from, int to) {
        StringBuilder b = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            buffer = (buffer << 5) | ALPHABET.indexOf(s.charAt(i));
            bits += 5;
            if (bits >= 8) {
                b.append((char) ((buffer >> (bits - 8)) & 0xff));
                bits -= 8;
            }
        }
        return new String(b.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
    }
}

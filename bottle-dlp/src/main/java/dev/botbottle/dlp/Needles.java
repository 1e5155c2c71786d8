package dev.botbottle.dlp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fixed substrings a scanner looks for (rule triggers and literal values), prepared for one pass over a text:
 * a table of their first two characters answers "could anything start here?" for every position at the cost of one
 * lookup, and the base64 <em>cores</em> of each needle (the encoded characters its bytes fully determine, at each of
 * the three byte offsets within a 3-byte group) let a base64 run be judged without decoding it: a run in which no
 * core occurs cannot decode, at any alignment, to a text holding a needle. Immutable.
 */
final class Needles {

    /** One needle's base64 core at one byte offset: the 6-bit values it fixes, where they start in its group. */
    record Core(int[] values, int charOffset, int byteOffset) {
    }

    /** Needle heads: bit (c0 << 8 | c1) set when some needle starts with c0 c1. */
    private final long[] pairs = new long[1024];
    private final IntTable<String[]> byPair;
    private final IntTable<long[]> ownersByPair;
    /** Base64 cores by the 18-bit key of their first three values. */
    private final long[] coreHeads = new long[4096];
    private final IntTable<Core[]> cores;
    private final int shortest;

    /**
     * @param triggers for each owner (a rule; at most 63), its triggers ({@code ~x}: {@code x} in any letter case)
     * @param literals literal values (owner bit 63)
     */
    Needles(List<List<String>> triggers, List<String> literals) {
        List<String> all = new ArrayList<>();
        Map<String, Long> owner = new HashMap<>();
        for (int r = 0; r < triggers.size(); r++) {
            long bit = 1L << Math.min(r, 62);
            for (String t : triggers.get(r)) {
                List<String> variants = new ArrayList<>();
                if (t.charAt(0) == '~') {
                    caseVariants(t.substring(1), 0, new StringBuilder(), variants);
                } else {
                    variants.add(t);
                }
                for (String v : variants) {
                    owner.merge(v, bit, (a, b) -> a | b);
                }
                all.addAll(variants);
            }
        }
        for (String l : literals) {
            owner.merge(l, 1L << 63, (a, b) -> a | b);
        }
        all.addAll(literals);
        Map<Integer, List<String>> heads = new HashMap<>();
        Map<Integer, List<Core>> coreLists = new HashMap<>();
        int min = Integer.MAX_VALUE;
        for (String n : all) {
            if (n.length() < 2 || n.chars().anyMatch(c -> c > 0xFF)) {
                continue; // decoded views hold bytes only: such a needle is found by the plain scan alone
            }
            min = Math.min(min, n.length());
            int key = n.charAt(0) << 8 | n.charAt(1);
            pairs[key >>> 6] |= 1L << key;
            heads.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
            for (int o = 0; o < 3; o++) {
                Core c = core(n, o);
                if (c != null) {
                    int k = c.values()[0] << 12 | c.values()[1] << 6 | c.values()[2];
                    coreHeads[k >>> 6] |= 1L << k;
                    coreLists.computeIfAbsent(k, x -> new ArrayList<>()).add(c);
                }
            }
        }
        byPair = new IntTable<>(heads.size());
        ownersByPair = new IntTable<>(heads.size());
        heads.forEach((k, v) -> {
            String[] needles = v.stream().distinct().toArray(String[]::new);
            byPair.put(k, needles);
            ownersByPair.put(k, java.util.Arrays.stream(needles).mapToLong(owner::get).toArray());
        });
        cores = new IntTable<>(coreLists.size());
        coreLists.forEach((k, v) -> cores.put(k, v.toArray(Core[]::new)));
        this.shortest = min == Integer.MAX_VALUE ? 0 : min;
    }

    private static void caseVariants(String s, int i, StringBuilder b, List<String> out) {
        if (i == s.length()) {
            out.add(b.toString());
            return;
        }
        char c = s.charAt(i);
        char lo = Character.toLowerCase(c);
        char up = Character.toUpperCase(c);
        b.append(lo);
        caseVariants(s, i + 1, b, out);
        b.setLength(i);
        if (up != lo) {
            b.append(up);
            caseVariants(s, i + 1, b, out);
            b.setLength(i);
        }
    }

    /** @return the characters {@code n}'s bytes fix when it starts at byte {@code o} of a group, or null if < 3 */
    private static Core core(String n, int o) {
        int bitStart = 8 * o;
        int bitEnd = 8 * (o + n.length());
        int first = (bitStart + 5) / 6;
        int last = bitEnd / 6; // exclusive: char j covers bits [6j, 6j + 6)
        if (last - first < 3) {
            return null;
        }
        int[] v = new int[last - first];
        for (int j = first; j < last; j++) {
            int val = 0;
            for (int bit = 6 * j; bit < 6 * j + 6; bit++) {
                int byteIndex = bit / 8 - o;
                int b = n.charAt(byteIndex) & 0xFF;
                val = val << 1 | (b >> (7 - bit % 8)) & 1;
            }
            v[j - first] = val;
        }
        return new Core(v, first, o);
    }

    /** @return whether no needle could be found at all (nothing to look for) */
    boolean isEmpty() {
        return byPair.size() == 0;
    }

    /**
     * @param s a text
     * @return the owner bits of the needles that occur in {@code s}; 0 when none does
     */
    long hits(String s) {
        long found = 0;
        // chars past 0xFF become '?', a char no needle starts with twice over; a candidate is checked on s
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = bytes.length - 1;
        for (int i = 0; i < n; i++) {
            int key = (bytes[i] & 0xFF) << 8 | bytes[i + 1] & 0xFF;
            if ((pairs[key >>> 6] & (1L << key)) != 0) {
                String[] needles = byPair.get(key);
                for (int j = 0; j < needles.length; j++) {
                    if (s.startsWith(needles[j], i)) {
                        found |= ownersByPair.get(key)[j];
                    }
                }
            }
        }
        return found;
    }

    /** @return the length of the shortest needle (0 when there is none) */
    int shortest() {
        return shortest;
    }

    /**
     * Finds where needles' cores occur in the base64 run {@code [start, end)} of {@code s} and, for each of the four
     * decoding alignments, the first decoded byte at which a needle may start.
     *
     * @param s the text, one byte per char (ISO-8859-1)
     * @param start the run's first character
     * @param end after the run's last character
     * @param firstByte out: for alignment {@code a} (decoding from {@code start + a}), the smallest byte index a
     *                  needle may start at, left as is when none
     */
    void coresIn(byte[] s, int start, int end, int[] firstByte) {
        if (end - start < 3) {
            return;
        }
        int key = EncodedViews.base64Value(s[start]) << 6 | EncodedViews.base64Value(s[start + 1]);
        for (int p = start; p + 3 <= end; p++) {
            key = (key << 6 | EncodedViews.base64Value(s[p + 2])) & 0x3FFFF;
            if ((coreHeads[key >>> 6] & (1L << key)) == 0) {
                continue;
            }
            for (Core c : cores.get(key)) {
                int[] v = c.values();
                if (p + v.length > end || !matches(s, p, v)) {
                    continue;
                }
                int group = p - c.charOffset(); // where the needle's group starts
                int align = Math.floorMod(group - start, 4);
                int rel = group - start - align;
                if (rel < 0) {
                    continue; // the needle's first byte lies before the run: no view holds it whole
                }
                int at = rel / 4 * 3 + c.byteOffset();
                firstByte[align] = Math.min(firstByte[align], at);
            }
        }
    }

    private static boolean matches(byte[] s, int p, int[] v) {
        for (int j = 3; j < v.length; j++) {
            if (EncodedViews.base64Value(s[p + j]) != v[j]) {
                return false;
            }
        }
        return true;
    }

    /** A small open-addressing map from int keys (no boxing on the hot path). */
    private static final class IntTable<V> {
        private final int[] keys;
        private final Object[] values;
        private final int mask;
        private int size;

        IntTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected * 3)) << 1;
            keys = new int[cap];
            values = new Object[cap];
            mask = cap - 1;
        }

        void put(int key, V value) {
            int i = mix(key) & mask;
            while (values[i] != null && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (values[i] == null) {
                size++;
            }
            keys[i] = key;
            values[i] = value;
        }

        @SuppressWarnings("unchecked")
        V get(int key) {
            int i = mix(key) & mask;
            while (values[i] != null) {
                if (keys[i] == key) {
                    return (V) values[i];
                }
                i = (i + 1) & mask;
            }
            return null;
        }

        int size() {
            return size;
        }

        private static int mix(int k) {
            int h = k * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Needles[%d heads, %d cores]", byPair.size(), cores.size());
    }
}

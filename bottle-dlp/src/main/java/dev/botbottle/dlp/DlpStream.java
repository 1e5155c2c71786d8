package dev.botbottle.dlp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Scans a stream in chunks with a bounded window. Each {@link #feed} returns the text that may leave now; the last
 * {@link #window()} characters are held back until more text (or {@link #finish}) shows whether a secret starts in
 * them, so a secret split across chunk boundaries is found whole. Memory is the window plus one chunk.
 *
 * <p>Made by {@link DlpScanner#stream}. Not thread-safe: one per stream. Text is one char per byte (decode bytes as
 * ISO-8859-1) so released text re-encodes to the same bytes.
 *
 * @since 0.2
 */
public final class DlpStream {

    /** The smallest window: longer than every built-in format's shortest match. */
    public static final int MIN_WINDOW = 4096;

    /** What happens to a secret found in the released text. */
    public enum Redaction {
        /** released as it is; the caller reads {@link #rules()} (to block, or to warn) */
        NONE,
        /** replaced with {@code [REDACTED:<rule>]} ({@link DlpScanner#redact}) */
        MARKER,
        /** replaced with a marker of the secret's own length ({@link DlpScanner#redactKeepingLength}) */
        SAME_LENGTH
    }

    private final DlpScanner scanner;
    private final boolean encodings;
    private final Redaction redaction;
    private final int window;
    private final StringBuilder pending = new StringBuilder();
    private final Set<String> rules = new LinkedHashSet<>();
    private long released;

    DlpStream(DlpScanner scanner, boolean encodings, Redaction redaction, int window) {
        this.scanner = scanner;
        this.encodings = encodings;
        this.redaction = redaction;
        this.window = window;
    }

    /** @return how many characters are held back at most */
    public int window() {
        return window;
    }

    /** @return how many characters were released so far */
    public long released() {
        return released;
    }

    /** @return the rules found so far, first found first */
    public Set<String> rules() {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(rules));
    }

    /** @return whether anything was found so far */
    public boolean found() {
        return !rules.isEmpty();
    }

    /**
     * @param chunk the next part of the stream
     * @return the text that may be released now (redacted as configured); possibly empty
     */
    public String feed(CharSequence chunk) {
        pending.append(chunk);
        if (pending.length() <= window) {
            return "";
        }
        return release(pending.length() - window);
    }

    /** @return the rest of the stream (redacted as configured); the stream is empty afterwards */
    public String finish() {
        return release(pending.length());
    }

    private String release(int upTo) {
        String text = pending.toString();
        List<DlpFinding> hits = encodings ? scanner.scanEncoded(text) : scanner.scan(text);
        List<DlpFinding> acted = new ArrayList<>();
        int cut = upTo;
        for (DlpFinding f : hits) {
            // a finding that starts in the held-back part is seen again, with more context, next time
            if (f.start() < upTo) {
                acted.add(f);
                rules.add(f.rule());
                cut = Math.max(cut, Math.min(f.end(), text.length()));
            }
        }
        int end = cut;
        String out = text.substring(0, end);
        if (!acted.isEmpty() && redaction != Redaction.NONE) {
            List<DlpFinding> inside = acted.stream()
                    .map(f -> new DlpFinding(f.rule(), f.start(), Math.min(f.end(), end))).toList();
            out = redaction == Redaction.MARKER ? DlpScanner.redact(out, inside)
                    : DlpScanner.redactKeepingLength(out, inside);
        }
        pending.delete(0, cut);
        released += cut;
        return out;
    }
}

package dev.botbottle.dlp;

import dev.botbottle.spi.Secret;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scans text for secrets: the {@link DlpRule rules} (formats of well-known credentials) and literal values this
 * bottle must never send (its own real credentials). Immutable and thread-safe; shared by the egress gateway
 * (request headers and bodies) and the git gate (pushed content).
 *
 * <p>Binary content can be scanned losslessly by decoding it as ISO-8859-1, which maps every byte to one char;
 * {@link #redact} then keeps the byte layout of everything it does not replace.
 *
 * @since 0.1
 */
public final class DlpScanner {

    /** Literal values shorter than this are not scanned for: they would match ordinary text. */
    public static final int MIN_LITERAL_LENGTH = 8;

    private final List<DlpRule> rules;
    private final Map<String, String> literals;
    /** All rules in one alternation: one pass answers "anything at all?", the common case being "no". */
    private final java.util.regex.Pattern any;

    /**
     * Substrings at least one of which every match of a built-in rule contains: when none occurs in a text (the
     * common case, and nearly always in decoded views of encodings) the regular expressions need not run.
     */
    private static final Map<String, List<String>> TRIGGERS = Map.ofEntries(
            Map.entry("aws-access-key-id", List.of("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA",
                    "ANVA", "AIPA")),
            Map.entry("aws-secret-access-key", List.of("~secret")),
            Map.entry("github-token", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
            Map.entry("github-fine-grained-token", List.of("github_pat_")),
            Map.entry("gitlab-token", List.of("glpat-", "gldt-", "glrt-", "glptt-", "glft-", "gloas-")),
            Map.entry("slack-token", List.of("xox")),
            Map.entry("slack-webhook", List.of("hooks.slack.com")),
            Map.entry("anthropic-api-key", List.of("sk-ant-")),
            Map.entry("openai-api-key", List.of("sk-")),
            Map.entry("google-api-key", List.of("AIza")),
            Map.entry("private-key-block", List.of("PRIVATE KEY")),
            Map.entry("jwt", List.of("eyJ")));

    /** The triggers of this scanner's rules, or null when one of its rules is not a built-in (always run them). */
    private final Needles triggers;
    /** Triggers and literal values, for judging base64 runs undecoded; null when {@link #triggers} is. */
    private final Needles needles;

    private DlpScanner(List<DlpRule> rules, Map<String, String> literals) {
        this.rules = List.copyOf(rules);
        this.literals = literals;
        boolean builtIn = this.rules.stream().allMatch(r -> DlpRule.builtIns().contains(r));
        List<List<String>> t = builtIn && this.rules.size() < 63
                ? this.rules.stream().map(r -> TRIGGERS.get(r.name())).toList() : null;
        this.triggers = t == null ? null : new Needles(t, List.of());
        this.needles = t == null ? null : new Needles(t, List.copyOf(literals.values()));
        // a rule compiled with flags cannot join the alternation as text: then every rule runs on its own
        boolean plain = this.rules.stream().allMatch(r -> r.pattern().flags() == 0);
        this.any = this.rules.isEmpty() || !plain ? null : java.util.regex.Pattern.compile(this.rules.stream()
                .map(r -> "(?:" + r.pattern().pattern() + ")").collect(java.util.stream.Collectors.joining("|")));
    }

    /**
     * @param rules the rules to apply
     * @return a scanner with those rules and no literal values
     */
    public static DlpScanner of(List<DlpRule> rules) {
        return new DlpScanner(rules, Map.of());
    }

    /** @return a scanner with the {@link DlpRule#builtIns() built-in rules} */
    public static DlpScanner builtIn() {
        return of(DlpRule.builtIns());
    }

    /**
     * Adds literal secret values, each reported under its own rule name (e.g. {@code bottle-credential:GH_TOKEN}).
     * Values shorter than {@link #MIN_LITERAL_LENGTH} are ignored.
     *
     * @param named rule name to the secret value
     * @return a new scanner with the rules of this one plus those literals
     */
    public DlpScanner withLiterals(Map<String, Secret> named) {
        Map<String, String> copy = new LinkedHashMap<>(literals);
        named.forEach((name, secret) -> {
            Objects.requireNonNull(name, "name");
            String value = secret.reveal();
            if (value.length() >= MIN_LITERAL_LENGTH) {
                copy.put(name, value);
            }
        });
        return new DlpScanner(rules, Map.copyOf(copy));
    }

    /** @return the rules (literal values are not listed) */
    public List<DlpRule> rules() {
        return rules;
    }

    /** @return the names under which literal values are reported */
    public List<String> literalNames() {
        return List.copyOf(literals.keySet());
    }

    /**
     * @param text what to scan
     * @return every finding, ordered by position; literal findings first where ranges coincide
     */
    public List<DlpFinding> scan(CharSequence text) {
        List<DlpFinding> found = new ArrayList<>();
        String s = text.toString();
        literals.forEach((name, value) -> {
            int from = 0;
            int at;
            while ((at = s.indexOf(value, from)) >= 0) {
                found.add(new DlpFinding(name, at, at + value.length()));
                from = at + value.length();
            }
        });
        long which = rules.isEmpty() ? 0 : triggers == null ? -1L : triggers.hits(s);
        if (which == 0 || (triggers == null && any != null && !any.matcher(s).find())) {
            found.sort(Comparator.comparingInt(DlpFinding::start));
            return found;
        }
        for (int r = 0; r < rules.size(); r++) {
            if (which != -1L && (which & (1L << r)) == 0) {
                continue; // none of this rule's triggers occurs: it cannot match
            }
            DlpRule rule = rules.get(r);
            var m = rule.pattern().matcher(s);
            while (m.find()) {
                if (m.end() > m.start()) {
                    found.add(new DlpFinding(rule.name(), m.start(), m.end()));
                }
            }
        }
        found.sort(Comparator.comparingInt(DlpFinding::start));
        return found;
    }

    /**
     * Like {@link #scan}, and also through encodings: the percent-decoded text (repeatedly, so double encoding
     * hides nothing), and every base64 (standard or URL-safe, any alignment) and hex run of the text and of its
     * percent-decoded form. A finding inside an encoding is reported under {@code <rule> (<encoding>)}, e.g.
     * {@code github-token (base64)}, with the range of the encoded text that carries it.
     *
     * @param text what to scan
     * @return every finding, ordered by position
     * @since 0.2
     */
    public List<DlpFinding> scanEncoded(CharSequence text) {
        String s = text.toString();
        List<DlpFinding> found = scan(s);
        if (s.length() < EncodedViews.MIN_BASE64_RUN && s.indexOf('%') < 0) {
            return found;
        }
        EncodedViews.scanInto(this, needles, s, found);
        found.sort(Comparator.comparingInt(DlpFinding::start));
        return found;
    }

    /**
     * A scan of a stream (a request body, a pushed blob) in chunks, with a bounded window: a secret split across
     * chunk boundaries is still found, and memory stays bounded whatever the stream's length.
     *
     * @param encodings whether to look through encodings as {@link #scanEncoded} does
     * @param redaction what to do with a secret in the text the stream releases
     * @return a new stream; not thread-safe
     * @since 0.2
     */
    public DlpStream stream(boolean encodings, DlpStream.Redaction redaction) {
        int longest = literals.values().stream().mapToInt(String::length).max().orElse(0);
        return new DlpStream(this, encodings, redaction, Math.max(DlpStream.MIN_WINDOW, 3 * longest + 16));
    }

    /**
     * Replaces every finding with a marker of exactly its own length ({@code [REDACTED:<rule>]} padded with
     * {@code *}, or only {@code *} where the marker is longer than the secret), for content whose length is already fixed (a streamed body with a Content-Length).
     *
     * @param text the scanned text
     * @param findings what {@link #scan} returned for it
     * @return the text with every secret replaced, as long as {@code text}
     * @since 0.2
     */
    public static String redactKeepingLength(CharSequence text, List<DlpFinding> findings) {
        StringBuilder out = new StringBuilder(text);
        for (DlpFinding f : findings) {
            String marker = "[REDACTED:" + f.rule() + "]";
            int len = Math.min(f.end(), text.length()) - f.start();
            for (int i = 0; i < len; i++) {
                out.setCharAt(f.start() + i, len >= marker.length() && i < marker.length() ? marker.charAt(i) : '*');
            }
        }
        return out.toString();
    }

    /**
     * Replaces every finding with {@code [REDACTED:<rule>]}; overlapping findings are merged under the first one.
     *
     * @param text the scanned text
     * @param findings what {@link #scan} returned for it
     * @return the text with every secret replaced
     */
    public static String redact(CharSequence text, List<DlpFinding> findings) {
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        List<DlpFinding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparingInt(DlpFinding::start));
        for (DlpFinding f : sorted) {
            if (f.end() <= pos) {
                continue;
            }
            int start = Math.max(f.start(), pos);
            out.append(text, pos, start).append("[REDACTED:").append(f.rule()).append(']');
            pos = f.end();
        }
        out.append(text, pos, text.length());
        return out.toString();
    }

    @Override
    public String toString() {
        return "DlpScanner[" + rules.size() + " rules, literals " + literals.keySet() + "]";
    }
}

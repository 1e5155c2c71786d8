package dev.botbottle.dlp;

import java.util.Objects;

/**
 * One secret found in scanned text: which rule matched and where. Carries no part of the matched text, so a
 * finding can be logged and audited as it is.
 *
 * @param rule the name of the rule that matched
 * @param start index of the first matched character
 * @param end index after the last matched character
 * @since 0.1
 */
public record DlpFinding(String rule, int start, int end) {
    public DlpFinding {
        Objects.requireNonNull(rule, "rule");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid finding range " + start + ".." + end);
        }
    }
}

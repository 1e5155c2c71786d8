package dev.botbottle.dlp;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named pattern for one kind of secret (an AWS access key id, a GitHub token, a private key block, ...).
 *
 * @param name a stable, human-readable name, quoted in denials and audit lines (e.g. {@code aws-access-key-id})
 * @param pattern what a secret of this kind looks like
 * @since 0.1
 */
public record DlpRule(String name, Pattern pattern) {

    public DlpRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pattern, "pattern");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a DLP rule needs a name");
        }
    }

    /**
     * @param name the rule's name
     * @param regex the pattern
     * @return a rule
     */
    public static DlpRule of(String name, String regex) {
        return new DlpRule(name, Pattern.compile(regex));
    }

    /**
     * The built-in rules: cloud keys, forge and chat tokens, AI API keys, private key blocks and JWTs. Patterns are
     * anchored on each format's fixed prefix so ordinary text rarely matches.
     *
     * @return the built-in rules, in a stable order
     */
    public static List<DlpRule> builtIns() {
        return BUILT_INS;
    }

    private static final List<DlpRule> BUILT_INS = List.of(
            of("aws-access-key-id", "\\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\\b"),
            of("aws-secret-access-key",
                    "(?i)aws_?secret_?access_?key[\"']?\\s*[=:]\\s*[\"']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"),
            of("github-token", "\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}\\b"),
            of("github-fine-grained-token", "\\bgithub_pat_[A-Za-z0-9_]{22,255}\\b"),
            of("gitlab-token", "\\bgl(?:pat|dt|rt|ptt|ft|oas)-[A-Za-z0-9_\\-]{20,}"),
            of("slack-token", "\\bxox[abposre]-[A-Za-z0-9-]{10,}"),
            of("slack-webhook", "https://hooks\\.slack\\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
            of("anthropic-api-key", "\\bsk-ant-[A-Za-z0-9_\\-]{20,}"),
            of("openai-api-key", "\\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}"),
            of("google-api-key", "\\bAIza[0-9A-Za-z_\\-]{35}"),
            of("private-key-block", "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
            of("jwt", "\\beyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}"));
}

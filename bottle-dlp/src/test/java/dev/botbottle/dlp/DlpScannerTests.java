package dev.botbottle.dlp;

import dev.botbottle.spi.Secret;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DlpScannerTests {

    private final DlpScanner scanner = DlpScanner.builtIn();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "aws-access-key-id|key=AKIAIOSFODNN7EXAMPLE&x=1",
            "aws-secret-access-key|aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "github-token|token ghp_0123456789abcdefghijABCDEFGHIJ012345 here",
            "github-fine-grained-token|github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "gitlab-token|glpat-abcdefghij0123456789",
            "slack-token|xoxb-123456789012-1234567890123-abcdefghij",
            "anthropic-api-key|sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345",
            "openai-api-key|sk-proj-abcdefghijklmnopqrstuvwxyz012345",
            "google-api-key|AIzaSyA1234567890abcdefghijklmnopqrstuv",
            "private-key-block|-----BEGIN OPENSSH PRIVATE KEY-----",
            "private-key-block|-----BEGIN PRIVATE KEY-----",
            "jwt|eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    })
    void findsCommonSecretFormats(String rule, String text) {
        assertThat(scanner.scan(text)).extracting(DlpFinding::rule).contains(rule);
    }

    @Test
    void anthropicKeysAreNotReportedAsOpenAiKeys() {
        assertThat(scanner.scan("sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345")).extracting(DlpFinding::rule)
                .containsExactly("anthropic-api-key");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertThat(scanner.scan("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"please refactor the AKIA parser in src/main, risk-task-manager and ghp_ helpers\"}]}")).isEmpty();
    }

    @Test
    void findsTheBottlesOwnCredentialValuesByName() {
        DlpScanner s = scanner.withLiterals(Map.of("bottle-credential:GH", Secret.of("plain-looking-token-42"),
                "bottle-credential:SHORT", Secret.of("abc")));
        List<DlpFinding> f = s.scan("echo plain-looking-token-42 and abc");
        assertThat(f).extracting(DlpFinding::rule).containsExactly("bottle-credential:GH");
        assertThat(s.toString()).doesNotContain("plain-looking-token-42");
    }

    @Test
    void redactsEveryFindingAndKeepsTheRest() {
        String text = "a=AKIAIOSFODNN7EXAMPLE b=ghp_0123456789abcdefghijABCDEFGHIJ012345 end";
        String out = DlpScanner.redact(text, scanner.scan(text));
        assertThat(out).isEqualTo("a=[REDACTED:aws-access-key-id] b=[REDACTED:github-token] end");
    }

    @Test
    void rulesCompiledWithFlagsStillMatch() {
        DlpScanner s = DlpScanner.of(List.of(new DlpRule("word", java.util.regex.Pattern.compile("secret",
                java.util.regex.Pattern.CASE_INSENSITIVE)), DlpRule.of("digits", "[0-9]{6}")));
        assertThat(s.scan("a SECRET here")).extracting(DlpFinding::rule).containsExactly("word");
    }

    @Test
    void customRulesCanBeUsedAlone() {
        DlpScanner s = DlpScanner.of(List.of(DlpRule.of("internal-ticket", "TICKET-[0-9]{4}")));
        assertThat(s.scan("see TICKET-1234")).containsExactly(new DlpFinding("internal-ticket", 4, 15));
    }
}

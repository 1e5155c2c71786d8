package dev.botbottle.dlp;

import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DlpEncodingTests {

    static final String TOKEN = "real-token-4f9a1c2e8b7d";
    static final String GH = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

    private final DlpScanner scanner = DlpScanner.builtIn()
            .withLiterals(Map.of("bottle-credential:API_TOKEN", Secret.of(TOKEN)));

    static String pct(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append('%').append(String.format("%02X", x));
        }
        return b.toString();
    }

    @Test
    void plainScanStaysAsItWas() {
        String b64 = Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));
        assertThat(scanner.scan("x=" + b64)).isEmpty();
        assertThat(scanner.scanEncoded("x=" + TOKEN)).extracting(DlpFinding::rule)
                .containsExactly("bottle-credential:API_TOKEN");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void findsTheBottlesCredentialInBase64AtAnyAlignment(int glued) {
        String prefix = "abc".substring(0, glued);
        for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder().withoutPadding())) {
            String body = "{\"d\":\"" + prefix + enc.encodeToString(("user:" + TOKEN + ":x").getBytes()) + "\"}";
            assertThat(scanner.scanEncoded(body)).extracting(DlpFinding::rule)
                    .contains("bottle-credential:API_TOKEN (base64)");
        }
    }

    @Test
    void findsRuleFormatsInHexAndPercentAndDoubleEncoding() {
        assertThat(scanner.scanEncoded("h=" + HexFormat.of().formatHex(GH.getBytes()))).extracting(DlpFinding::rule)
                .contains("github-token (hex)");
        assertThat(scanner.scanEncoded("x" + HexFormat.of().withUpperCase().formatHex(TOKEN.getBytes())))
                .extracting(DlpFinding::rule).contains("bottle-credential:API_TOKEN (hex)");
        assertThat(scanner.scanEncoded("/q?t=" + pct(TOKEN))).extracting(DlpFinding::rule)
                .contains("bottle-credential:API_TOKEN (percent-encoded)");
        assertThat(scanner.scanEncoded("/q?t=" + URLEncoder.encode(pct(TOKEN), StandardCharsets.UTF_8)))
                .extracting(DlpFinding::rule).contains("bottle-credential:API_TOKEN (percent-encoded)");
        String b64InPct = URLEncoder.encode(Base64.getEncoder().encodeToString(("k=" + GH).getBytes()),
                StandardCharsets.UTF_8);
        assertThat(scanner.scanEncoded("?d=" + pct(b64InPct))).extracting(DlpFinding::rule)
                .anyMatch(r -> r.startsWith("github-token (base64"));
    }

    @Test
    void aFindingInAnEncodingCoversTheEncodedTextSoRedactionRemovesIt() {
        String enc = Base64.getEncoder().encodeToString(TOKEN.getBytes());
        String text = "before " + enc + " after";
        List<DlpFinding> hits = scanner.scanEncoded(text);
        String redacted = DlpScanner.redact(text, hits);
        assertThat(redacted).startsWith("before ").endsWith(" after").doesNotContain(enc.substring(4, 24));
        assertThat(scanner.scanEncoded(redacted)).isEmpty();
    }

    @Test
    void ordinaryTextAndOrdinaryBase64AreClean() {
        assertThat(scanner.scanEncoded("GET /repos/acme/widgets/pulls?state=open&per_page=100 HTTP/1.1")).isEmpty();
        assertThat(scanner.scanEncoded(Base64.getEncoder().encodeToString(
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\"}]}".getBytes()))).isEmpty();
        assertThat(scanner.scanEncoded("%E2%9C%93 caf%C3%A9 deadbeefdeadbeef0123")).isEmpty();
    }

    @Test
    void sameLengthRedactionKeepsTheLength() {
        String text = "token=" + GH + ";";
        String r = DlpScanner.redactKeepingLength(text, scanner.scan(text));
        assertThat(r).hasSameSizeAs(text).startsWith("token=[REDACTED:github-token]").endsWith("*;");
        String shortOne = DlpScanner.redactKeepingLength("abcdefgh", List.of(new DlpFinding("some-long-rule", 2, 6)));
        assertThat(shortOne).isEqualTo("ab****gh");
    }
}

package dev.botbottle.dlp;

import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path of {@link DlpScanner#scanEncoded} (base64 runs judged by their needles' cores, decoded only from
 * shortly before a core to the run's end) finds what decoding every run whole at every alignment finds.
 */
class DlpFastPathTests {

    static final String TOKEN = "real-token-4f9a1c2e8b7d";
    static final String GH = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    static final List<String> SECRETS = List.of(GH, "AKIAIOSFODNN7EXAMPLE", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0",
            "xoxb-123456789012-1234567890123-abcdefghij", "-----BEGIN OPENSSH PRIVATE KEY-----",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "AWS_Secret_Access_Key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", TOKEN);

    private final DlpScanner builtIn = DlpScanner.builtIn()
            .withLiterals(Map.of("bottle-credential:API_TOKEN", Secret.of(TOKEN)));
    /** A custom rule has no triggers: every run is decoded whole, as before. */
    private final DlpScanner custom = DlpScanner.of(List.of(DlpRule.of("custom", "corp_[a-z0-9]{12}")))
            .withLiterals(Map.of("bottle-credential:API_TOKEN", Secret.of(TOKEN)));

    private static String randomBase64(Random r, int bytes) {
        byte[] b = new byte[bytes];
        r.nextBytes(b);
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void findsEverySecretEncodedDeepInsideALongBase64RunAtEveryAlignmentAndByteOffset(int glued) {
        Random r = new Random(7 + glued);
        for (String secret : SECRETS) {
            for (int pad = 0; pad < 3; pad++) {
                // random bytes, then the secret at byte offset pad of its group, then more random bytes, all one run
                byte[] head = new byte[3000 + pad];
                r.nextBytes(head);
                byte[] tail = new byte[2000];
                r.nextBytes(tail);
                byte[] all = concat(head, (" " + secret + " ").getBytes(StandardCharsets.ISO_8859_1), tail);
                String body = "abc".substring(0, glued) + Base64.getEncoder().encodeToString(all);
                List<DlpFinding> hits = builtIn.scanEncoded("data=" + body + "&x=1");
                assertThat(hits).as("%s at byte offset %d, %d glued", secret, pad, glued)
                        .anyMatch(f -> f.rule().endsWith("(base64)"));
            }
        }
    }

    @Test
    void findsARuleWhoseMatchStartsBeforeItsTriggerInsideALongRun() {
        // "-----BEGIN RSA PRIVATE KEY-----": the trigger PRIVATE KEY comes 15 bytes after the match starts
        String enc = randomBase64(new Random(3), 6000) + Base64.getEncoder().encodeToString(
                "xx -----BEGIN RSA PRIVATE KEY----- yy".getBytes(StandardCharsets.ISO_8859_1));
        List<DlpFinding> hits = builtIn.scanEncoded(enc);
        assertThat(hits).extracting(DlpFinding::rule).contains("private-key-block (base64)");
        assertThat(builtIn.scanEncoded(DlpScanner.redact(enc, hits))).isEmpty();
    }

    @Test
    void aCustomRuleIsFoundInBase64AsBefore() {
        String enc = randomBase64(new Random(5), 900) + Base64.getEncoder().encodeToString(" corp_abcdef012345 ".getBytes());
        assertThat(custom.scanEncoded(enc)).extracting(DlpFinding::rule).contains("custom (base64)");
        assertThat(custom.scanEncoded(randomBase64(new Random(6), 900))).isEmpty();
    }

    @Test
    void randomBase64AndRandomBytesAreCleanAndTheSecretsAreFoundInAStreamOfThem() {
        Random r = new Random(11);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            body.append(randomBase64(r, 20_000));
            byte[] bin = new byte[20_000];
            r.nextBytes(bin);
            body.append(new String(bin, StandardCharsets.ISO_8859_1));
        }
        String clean = body.toString();
        assertThat(builtIn.scanEncoded(clean)).isEmpty();
        String dirty = clean.substring(0, 300_000) + Base64.getEncoder().encodeToString(("k=" + GH).getBytes())
                + clean.substring(300_000, 600_000) + "%67%68%70%5F" + GH.substring(4) + clean.substring(600_000);
        DlpStream s = builtIn.stream(true, DlpStream.Redaction.SAME_LENGTH);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < dirty.length(); i += 8192) {
            out.append(s.feed(dirty.substring(i, Math.min(dirty.length(), i + 8192))));
        }
        out.append(s.finish());
        assertThat(s.rules()).contains("github-token (base64)", "github-token (percent-encoded)");
        assertThat(out).hasSameSizeAs(dirty);
        assertThat(builtIn.scanEncoded(out)).isEmpty();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}

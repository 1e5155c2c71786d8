package dev.botbottle.dlp;

import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DlpStreamTests {

    static final String TOKEN = "real-token-4f9a1c2e8b7d";
    static final String GH = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

    private final DlpScanner scanner = DlpScanner.builtIn()
            .withLiterals(Map.of("bottle-credential:API_TOKEN", Secret.of(TOKEN)));

    /** Feeds {@code text} in chunks of {@code size}; returns everything released. */
    static String pump(DlpStream s, String text, int size) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i += size) {
            out.append(s.feed(text.substring(i, Math.min(text.length(), i + size))));
        }
        return out.append(s.finish()).toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 1000, 4096, 5000})
    void findsASecretSplitAcrossChunksAtEveryChunkSize(int size) {
        String body = "x".repeat(9000) + " " + GH + " " + "y".repeat(9000) + TOKEN + "z".repeat(100);
        DlpStream s = scanner.stream(false, DlpStream.Redaction.MARKER);
        String out = pump(s, body, size);
        assertThat(s.rules()).containsExactly("github-token", "bottle-credential:API_TOKEN");
        assertThat(out).doesNotContain(GH).doesNotContain(TOKEN).contains("[REDACTED:github-token]")
                .startsWith("xxxx").endsWith("zzzz");
    }

    @Test
    void holdsBackNoMoreThanTheWindowAndReleasesEverythingByteForByte() {
        DlpStream s = scanner.stream(true, DlpStream.Redaction.NONE);
        String chunk = "a".repeat(1000);
        StringBuilder all = new StringBuilder();
        long fed = 0;
        for (int i = 0; i < 200; i++) {
            all.append(s.feed(chunk));
            fed += chunk.length();
            assertThat(fed - s.released()).isLessThanOrEqualTo(s.window());
        }
        all.append(s.finish());
        assertThat(all.toString()).isEqualTo(chunk.repeat(200));
        assertThat(s.found()).isFalse();
    }

    @Test
    void sameLengthRedactionKeepsTheStreamsLength() {
        String body = "p".repeat(5000) + " " + GH + " " + "q".repeat(5000);
        String out = pump(scanner.stream(false, DlpStream.Redaction.SAME_LENGTH), body, 333);
        assertThat(out).hasSameSizeAs(body).doesNotContain(GH);
    }

    @Test
    void findsABase64EncodedCredentialSplitAcrossChunks() {
        String enc = Base64.getEncoder().encodeToString(("secret " + TOKEN).getBytes());
        String body = "{\"blob\":\"" + "QUFB".repeat(3000) + enc + "QUFB".repeat(3000) + "\"}";
        DlpStream s = scanner.stream(true, DlpStream.Redaction.NONE);
        pump(s, body, 1024);
        assertThat(s.rules()).anyMatch(r -> r.startsWith("bottle-credential:API_TOKEN (base64"));
    }
}

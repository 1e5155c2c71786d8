package dev.botbottle.egress.internal;

import dev.botbottle.spi.Secret;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EchoFilterTests {

    static final String TOKEN = "real-token-4f9a1c2e8b7d-0123456789";

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 17, 100})
    void replacesTheCredentialSplitAcrossChunksKeepingTheLength(int size) {
        EchoFilter f = new EchoFilter(Map.of("r", Secret.of(TOKEN)));
        String body = "{\"headers\":{\"authorization\":\"Bearer " + TOKEN + "\"},\"again\":\"" + TOKEN + "\"}";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i += size) {
            out.append(f.feed(body.substring(i, Math.min(body.length(), i + size))));
        }
        out.append(f.finish());
        assertThat(out.toString()).hasSameSizeAs(body).doesNotContain(TOKEN).contains("[bot-bottle:credential]");
        assertThat(f.replaced()).isEqualTo(2);
    }

    @Test
    void holdsBackOnlyWhatCouldStartTheCredential() {
        EchoFilter f = new EchoFilter(Map.of("r", Secret.of(TOKEN)));
        assertThat(f.feed("data: one\n\n")).isEqualTo("data: one\n\n");
        assertThat(f.feed("data: real-tok")).isEqualTo("data: ");
        assertThat(f.feed("ens\n\n")).isEqualTo("real-tokens\n\n");
    }
}

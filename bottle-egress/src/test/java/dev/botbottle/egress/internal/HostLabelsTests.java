package dev.botbottle.egress.internal;

import dev.botbottle.dlp.DlpScanner;
import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostLabelsTests {

    static final String SECRET = "forge-canary-0123456789abcdef0123456789abcdef";
    static final DlpScanner SCANNER = DlpScanner.builtIn().withLiterals(Map.of("bottle-credential:T", Secret.of(SECRET)));

    static boolean carries(String host) {
        var views = HostLabels.views(host);
        return !SCANNER.scanEncoded(views.get(0)).isEmpty()
                || views.subList(1, views.size()).stream().anyMatch(v -> !SCANNER.scan(v).isEmpty());
    }

    @Test
    void anOrdinaryHostNameCarriesNothing() {
        assertThat(carries("api.github.com")).isFalse();
        assertThat(carries("objects-origin.githubusercontent.com")).isFalse();
        assertThat(carries("abcdefghijklmnopqrstuvwxyz234567.example.com")).isFalse();
    }

    @Test
    void aSecretHexEncodedAcrossLabelsIsFound() {
        String hex = HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(carries(hex.substring(0, 60) + "." + hex.substring(60) + ".wild.example.com")).isTrue();
    }

    @Test
    void aSecretBase32EncodedInAnyCaseAndAlignmentIsFound() {
        String b32 = base32(SECRET.getBytes(StandardCharsets.UTF_8)).toLowerCase(Locale.ROOT);
        assertThat(carries(b32.substring(0, 40) + "." + b32.substring(40) + ".wild.example.com")).isTrue();
        assertThat(carries("xq" + b32.toUpperCase(Locale.ROOT) + ".wild.example.com")).as("glued prefix").isTrue();
    }

    static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte x : data) {
            buffer = (buffer << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                b.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            b.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return b.toString();
    }
}

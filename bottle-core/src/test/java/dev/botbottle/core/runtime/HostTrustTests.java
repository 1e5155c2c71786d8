package dev.botbottle.core.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HostTrust}: which CA certificates this host trusts beyond the stock ones. */
class HostTrustTests {

    @TempDir
    Path dir;

    private static String pem(String content) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(content.getBytes(StandardCharsets.UTF_8));
        return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void extraCertificatesAreThoseOfTheBundleNotInTheStockSetPlusLocalOnes() throws IOException {
        Path bundle = write("bundle.crt", pem("stock-one") + pem("proxy-ca") + pem("stock-two"));
        write("mozilla/One.crt", pem("stock-one"));
        write("mozilla/Two.crt", pem("stock-two").replace("\n", "\r\n"));
        write("local/corp/corp.crt", pem("corp-ca"));
        write("local/proxy.crt", pem("proxy-ca"));

        var trust = HostTrust.of(bundle, dir.resolve("mozilla"), dir.resolve("local"));

        assertThat(trust.extraCertificates()).containsExactly(pem("proxy-ca"), pem("corp-ca"));
        assertThat(trust.files()).hasSize(2).allSatisfy((name, text) -> assertThat(name).matches("host-ca-[0-9a-f]{16}\\.crt"));
    }

    @Test
    void withoutTheStockSetOnlyLocalCertificatesCount() throws IOException {
        Path bundle = write("bundle.crt", pem("stock-one") + pem("proxy-ca"));
        write("local/corp.crt", pem("corp-ca"));
        var trust = HostTrust.of(bundle, dir.resolve("missing"), dir.resolve("local"));
        assertThat(trust.extraCertificates()).containsExactly(pem("corp-ca"));
    }

    @Test
    void missingFilesMeanNoExtraCertificates() {
        var trust = HostTrust.of(dir.resolve("a"), dir.resolve("b"), dir.resolve("c"));
        assertThat(trust.extraCertificates()).isEmpty();
    }
}

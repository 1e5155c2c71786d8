package dev.botbottle.core.provision;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubjectHashTests {

    /** one common name; {@code openssl x509 -subject_hash} says 01cfd1c7. */
    private static final String CERT_0 = String.join("\n",
            "-----BEGIN CERTIFICATE-----",
            "MIIBfzCCASWgAwIBAgIUStamxWuSeTaFBc3VPnP99e7KkIwwCgYIKoZIzj0EAwIw",
            "FTETMBEGA1UEAwwKbHQgdGVzdCBjYTAeFw0yNjEyMDExMjE4MTJaFw0yNjEyMDMx",
            "MjE4MTJaMBUxEzARBgNVBAMMCmx0IHRlc3QgY2EwWTATBgcqhkjOPQIBBggqhkjO",
            "PQMBBwNCAASBPzCj1VHnlwTEsUmaqYnjpJ67xLkJ7GsSysSZzsHnThA8Lcwa8ux/",
            "LZeAnFzkAm12l/a4zi3qenLcD9/O7f+go1MwUTAdBgNVHQ4EFgQU+AGSxcbUhs//",
            "3oz+5nmyNmvql5EwHwYDVR0jBBgwFoAU+AGSxcbUhs//3oz+5nmyNmvql5EwDwYD",
            "VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAsAoV1Cf/xjj9ciCPK8YT",
            "gIVUM1il7W+pWNqbdoXwFacCIH1WwFTfLRN2cGyJ+uLAbLSpnsnKydQAmbVCjJuH",
            "U1qQ",
            "-----END CERTIFICATE-----");

    /** printable, T61 and IA5 strings with spaces and capitals; {@code openssl x509 -subject_hash} says 911dd0b7. */
    private static final String CERT_1 = String.join("\n",
            "-----BEGIN CERTIFICATE-----",
            "MIIB9zCCAZ0CFDmPKpkWsrqTdqWArutzJbVNSg73MAoGCCqGSM49BAMCMH4xCzAJ",
            "BgNVBAYTAkRFMSAwHgYDVQQKExcgIEFjbWUgICBXaWRnZXRzICBHbWJIIDERMA8G",
            "A1UECxQIQvxybyBT/GQxGDAWBgNVBAMUD1Rlc3QgQ0Eg3G7vY29kZTEgMB4GCSqG",
            "SIb3DQEJARYRQWRtaW5ARXhhbXBsZS5DT00wHhcNMjYxMjAxMTIzMDIzWhcNMzYx",
            "MTI4MTIzMDIzWjB+MQswCQYDVQQGEwJERTEgMB4GA1UEChMXICBBY21lICAgV2lk",
            "Z2V0cyAgR21iSCAxETAPBgNVBAsUCEL8cm8gU/xkMRgwFgYDVQQDFA9UZXN0IENB",
            "INxu72NvZGUxIDAeBgkqhkiG9w0BCQEWEUFkbWluQEV4YW1wbGUuQ09NMFkwEwYH",
            "KoZIzj0CAQYIKoZIzj0DAQcDQgAEI1F4BdEx47ddSkTT1/z9SCDwS+rdBT7cHnvL",
            "y1ayyOMVj283yAbCsppsPZlJEu6BfOqACLCK+TMrlUHDMx99HTAKBggqhkjOPQQD",
            "AgNIADBFAiBFCxQdmcwIyK5bbxbpFBbMwnK36ZtLuewrS7gmB7MqzQIhAO7tYUN0",
            "VJt1MGEob6L+XbMK9eJBYysBdXS8fisWxG2a",
            "-----END CERTIFICATE-----");

    /** a multi-valued RDN; {@code openssl x509 -subject_hash} says 3bafee99. */
    private static final String CERT_2 = String.join("\n",
            "-----BEGIN CERTIFICATE-----",
            "MIIBtTCCAVugAwIBAgIUAzNHUd1LDRpruCilqiOnoaQIqSAwCgYIKoZIzj0EAwIw",
            "MDEUMAgGA1UEAwwBYTAIBgNVBAMMAWIxGDAWBgNVBAoMD211bHRpIHZhbHVlIHJk",
            "bjAeFw0yNjEyMDExMjMwMjNaFw0zNjExMjgxMjMwMjNaMDAxFDAIBgNVBAMMAWEw",
            "CAYDVQQDDAFiMRgwFgYDVQQKDA9tdWx0aSB2YWx1ZSByZG4wWTATBgcqhkjOPQIB",
            "BggqhkjOPQMBBwNCAARJAGykG+iP5lAo0ap4ZXkUbhzY9O/ixwf1dfOjKXfyg50t",
            "xyJVwlIJLM+r8GQ5uUimPxEZFFMruEPMrikDDWsyo1MwUTAdBgNVHQ4EFgQU4a/N",
            "XRI58lkFlyh3pKUVKfJggBgwHwYDVR0jBBgwFoAU4a/NXRI58lkFlyh3pKUVKfJg",
            "gBgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBBFbarayj4mguN",
            "28pRDNlDKLtOgkZRWs8MLHTmUAPsgAIhAJqWw93hkaV3BYNyAVSfLg5xcn5SDYdK",
            "4FM3cpXlF67/",
            "-----END CERTIFICATE-----");

    private static X509Certificate parse(String pem) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void matchesOpensslForOneCommonName() throws CertificateException {
        assertThat(SubjectHash.of(parse(CERT_0))).isEqualTo("01cfd1c7");
    }

    @Test
    void foldsSpacesAndCaseOfEveryStringTypeAsOpensslDoes() throws CertificateException {
        assertThat(SubjectHash.of(parse(CERT_1))).isEqualTo("911dd0b7");
    }

    @Test
    void ordersTheValuesOfAMultiValuedNameAsDerDoes() throws CertificateException {
        assertThat(SubjectHash.of(parse(CERT_2))).isEqualTo("3bafee99");
    }

    /**
     * The real thing: every certificate of this host's bundle has the subject-hash link Debian's
     * {@code update-ca-certificates} (OpenSSL's rehash) made for it in {@code /etc/ssl/certs}.
     */
    @Test
    void namesTheLinkOpensslMadeForEveryCertificateOfTheHostsStore() throws IOException, CertificateException {
        Path dir = Path.of("/etc/ssl/certs");
        Path bundle = dir.resolve("ca-certificates.crt");
        if (!Files.isReadable(bundle)) {
            System.out.println("SKIPPED: no Debian trust store at " + dir + " to compare with");
        }
        Assumptions.assumeTrue(Files.isReadable(bundle), "no Debian trust store at " + dir);
        Collection<? extends java.security.cert.Certificate> all;
        try (var in = Files.newInputStream(bundle)) {
            all = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        List<String> unmatched = new ArrayList<>();
        int linked = 0;
        for (var c : all) {
            X509Certificate cert = (X509Certificate) c;
            String hash = SubjectHash.of(cert);
            boolean found = false;
            boolean anyLink = false;
            for (int i = 0; i < 10; i++) {
                Path link = dir.resolve(hash + "." + i);
                if (!Files.exists(link)) {
                    break;
                }
                anyLink = true;
                try (var in = Files.newInputStream(link)) {
                    found |= CertificateFactory.getInstance("X.509").generateCertificate(in).equals(cert);
                }
            }
            if (found) {
                linked++;
            } else if (anyLink || !Files.exists(dir.resolve(hash + ".0"))) {
                unmatched.add(cert.getSubjectX500Principal() + " -> " + hash);
            }
        }
        assertThat(linked).as("certificates whose link was found").isGreaterThan(0);
        assertThat(unmatched).isEmpty();
    }
}

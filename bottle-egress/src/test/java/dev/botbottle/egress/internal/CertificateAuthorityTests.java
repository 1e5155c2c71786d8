package dev.botbottle.egress.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateAuthorityTests {

    @TempDir
    Path state;

    @Test
    void createsAnEcdsaP256CaKeptPrivateInTheStateDir() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(state, "demo-abc12");
        X509Certificate cert = ca.certificate();
        assertThat(cert.getPublicKey()).isInstanceOf(ECKey.class);
        assertThat(((ECKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getSubjectX500Principal().getName()).contains("demo-abc12");
        for (String f : List.of(CertificateAuthority.KEY_FILE, CertificateAuthority.CERT_FILE)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(f))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void reusesTheSameCaOnResume() {
        CertificateAuthority first = CertificateAuthority.loadOrCreate(state, "demo");
        CertificateAuthority again = CertificateAuthority.loadOrCreate(state, "demo");
        assertThat(again.certificatePem()).isEqualTo(first.certificatePem());
        // the reloaded key signs leaves the original certificate verifies
        X509Certificate leaf = again.leafFor("api.example.com");
        assertThat(leaf).satisfies(l -> l.verify(first.certificate().getPublicKey()));
    }

    @Test
    void mintsLeavesForTheHostSignedByTheCaAndCachesThem() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(state, "demo");
        X509Certificate leaf = ca.leafFor("api.example.com");
        leaf.verify(ca.certificate().getPublicKey());
        leaf.checkValidity();
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, "api.example.com"));
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(ca.leafFor("api.example.com")).isSameAs(leaf);
        assertThat(ca.hasMinted("other.example.com")).isFalse();
    }
}

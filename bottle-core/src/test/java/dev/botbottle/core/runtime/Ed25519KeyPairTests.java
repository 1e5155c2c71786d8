package dev.botbottle.core.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class Ed25519KeyPairTests {

    @TempDir
    Path dir;

    @Test
    void openSshReadsThePrivateKeyAndDerivesTheSamePublicKeyAndFingerprint() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "ssh-keygen (openssh-client) is not installed");
        Ed25519KeyPair pair = Ed25519KeyPair.generate("bottle-abc12");
        Path key = dir.resolve("id");
        Files.writeString(key, pair.privateKeyFile());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        String derived = run("ssh-keygen", "-y", "-f", key.toString());
        assertThat(derived.strip()).isEqualTo(pair.publicLine());
        Files.writeString(dir.resolve("id.pub"), pair.publicLine() + "\n");
        assertThat(run("ssh-keygen", "-l", "-f", dir.resolve("id.pub").toString()))
                .contains(pair.fingerprint()).contains("(ED25519)");
    }

    @Test
    void everyKeyIsNew() {
        assertThat(Ed25519KeyPair.generate("a").publicLine()).isNotEqualTo(Ed25519KeyPair.generate("a").publicLine());
        assertThat(Ed25519KeyPair.generate("a").toString()).doesNotContain("PRIVATE");
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}

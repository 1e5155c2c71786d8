package dev.botbottle.egress.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class ProxySecretTests {

    @TempDir
    Path state;

    @Test
    void isKeptInTheStateDirectoryPrivatelyAndReusedOnResume() throws Exception {
        ProxySecret first = ProxySecret.loadOrCreate(state);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(ProxySecret.FILE))))
                .isEqualTo("rw-------");
        assertThat(ProxySecret.loadOrCreate(state).header()).isEqualTo(first.header());
        assertThat(first.toString()).doesNotContain(first.secret().reveal());
    }

    @Test
    void acceptsOnlyBasicWithTheSecretAsPassword() {
        ProxySecret s = ProxySecret.loadOrCreate(state);
        String pw = s.secret().reveal();
        assertThat(s.accepts(s.header())).isTrue();
        assertThat(s.accepts("basic " + Base64.getEncoder().encodeToString(("anyone:" + pw).getBytes()))).isTrue();
        assertThat(s.accepts(null)).isFalse();
        assertThat(s.accepts("Basic " + Base64.getEncoder().encodeToString(("bottle:" + pw + "x").getBytes())))
                .isFalse();
        assertThat(s.accepts("Basic " + Base64.getEncoder().encodeToString(pw.getBytes()))).isFalse();
        assertThat(s.accepts("Bearer " + pw)).isFalse();
        assertThat(s.accepts("Basic !!!")).isFalse();
    }
}

package dev.botbottle.backend.smolvm.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MarkerFilterTests {

    private static final String NONCE = "bb-0123abcd";

    private static ExecWrapper.MarkerFilter through(ByteArrayOutputStream out, String... chunks) throws IOException {
        var filter = new ExecWrapper.MarkerFilter(out, NONCE);
        for (String c : chunks) {
            filter.write(c.getBytes(StandardCharsets.UTF_8));
        }
        filter.finish();
        return filter;
    }

    @Test
    void theTrailingMarkerIsRemovedAndReportsTheExitCode() throws IOException {
        var out = new ByteArrayOutputStream();
        var f = through(out, "oops\n", "\n" + NONCE + ":rc=1\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
        assertThat(f.status()).contains(new ExecWrapper.Status.Exited(1));
    }

    @Test
    void outputWithoutATrailingNewlineIsKeptWhole() throws IOException {
        var out = new ByteArrayOutputStream();
        var f = through(out, "partial", "\n" + NONCE, ":rc=", "0\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("partial");
        assertThat(f.status()).contains(new ExecWrapper.Status.Exited(0));
    }

    @Test
    void byteByByteWritesAreFilteredTheSame() throws IOException {
        var out = new ByteArrayOutputStream();
        var filter = new ExecWrapper.MarkerFilter(out, NONCE);
        for (byte b : ("a\n\nb\n\n" + NONCE + ":missing\n").getBytes(StandardCharsets.UTF_8)) {
            filter.write(b);
        }
        filter.finish();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\n\nb\n");
        assertThat(filter.status()).contains(new ExecWrapper.Status.Refused("missing"));
    }

    @Test
    void withoutAMarkerEverythingPassesAndThereIsNoStatus() throws IOException {
        var out = new ByteArrayOutputStream();
        var f = through(out, "Error: machine 'x' not found\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Error: machine 'x' not found\n");
        assertThat(f.status()).isEmpty();
    }

    @Test
    void aMarkerWithAnotherNonceOrFollowedByMoreOutputIsTheCommandsOwn() throws IOException {
        var out = new ByteArrayOutputStream();
        var f = through(out, "\nbb-other:rc=0\n", "\n" + NONCE + ":rc=3\nmore\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("\nbb-other:rc=0\n\n" + NONCE + ":rc=3\nmore\n");
        assertThat(f.status()).isEmpty();
    }
}

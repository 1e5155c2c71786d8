package dev.botbottle.egress.internal;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rehearsal a new gateway runs before hand-over: real requests through a private copy of its pipeline. */
class RehearsalTests {

    private static final Limits LIMITS = new Limits(64, 64 * 1024, 200, Duration.ofSeconds(30), Duration.ofMinutes(1),
            16, 16);

    @Test
    void everyRequestGoesThroughTheCopysPipelineWithItsCredentialInjectedAndNothingIsLeftBehind() throws Exception {
        for (boolean natives : new boolean[] {true, false}) {
            Rehearsal.Outcome o = Rehearsal.run(Engines.choose(natives), LIMITS, 1 << 20);

            int requests = Rehearsal.CONNECTIONS * Rehearsal.REQUESTS;
            assertThat(o.statuses()).as("every request answered by the rehearsal's upstream through the copy")
                    .containsExactlyElementsOf(Collections.nCopies(requests, 200));
            assertThat(o.authorizations()).as("the copy injected its own credential into every request")
                    .containsExactlyElementsOf(Collections.nCopies(requests, "Bearer " + o.token()));
            assertThat(o.token()).hasSizeGreaterThanOrEqualTo(20);
            assertThat(Files.exists(o.directory())).as("its CA, secret and audit are deleted").isFalse();
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", o.port()), 2_000);
                }
            }).as("its listener is closed before the rehearsal returns").isInstanceOf(ConnectException.class);
        }
    }
}

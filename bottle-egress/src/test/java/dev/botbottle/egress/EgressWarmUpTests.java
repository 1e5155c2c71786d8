package dev.botbottle.egress;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The background warm-up a new gateway runs: what it prepares, and that a caller can wait for it. */
class EgressWarmUpTests {

    @TempDir
    Path state;

    @Test
    void theWarmUpFinishesAndHasMintedTheLeavesOfExactInterceptedRouteHostsOnly() throws Exception {
        try (EgressGateway gateway = new EgressGatewayProvider(EgressOptions.defaults().withDnsPort(-1))
                .start(GatewayRequest.builder("warm-test").bindAddress("127.0.0.1").stateDir(state)
                        .routes(List.of(EgressRoute.allow("api.example.com"), EgressRoute.allow("*.wild.example.com"),
                                EgressRoute.builder("pass.example.com").tlsPassthrough(true).build()))
                        .build())) {
            assertThat(gateway.awaitWarmUp(Duration.ofSeconds(60))).as("warm-up finished").isTrue();

            assertThat(gateway.certificateAuthority().hasMinted("api.example.com")).isTrue();
            assertThat(gateway.certificateAuthority().hasMinted("pass.example.com"))
                    .as("a passthrough route never shows the bottle a leaf").isFalse();
            assertThat(gateway.certificateAuthority().hasMinted("*.wild.example.com")).isFalse();
            assertThat(gateway.readAudit()).as("the warm-up and its rehearsal leave no entry in the bottle's audit")
                    .isEmpty();
        }
    }
}

package dev.botbottle.egress;

import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

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

    @Test
    void theWarmUpShakesHandsWithEachExactRouteHostSendingNothingAndKeepsTheSsrfFloor() throws Exception {
        TestPki pki = TestPki.create("preconnect");
        List<String> handshakes = new CopyOnWriteArrayList<>();
        AtomicLong requestBytes = new AtomicLong();
        try (SSLServerSocket server = (SSLServerSocket) pki.serverContext(List.of("api.warm.test", "floor.warm.test"))
                .getServerSocketFactory().createServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> serve(server, handshakes, requestBytes), "preconnect-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
            int port = server.getLocalPort();
            EgressOptions options = EgressOptions.defaults().withDnsPort(-1)
                    .withResolver((host, p) -> new InetSocketAddress("127.0.0.1", port));
            try (EgressGateway gateway = new EgressGatewayProvider(options).start(GatewayRequest.builder("pre-test")
                    .bindAddress("127.0.0.1").stateDir(state).extraCaFiles(List.of(pki.writeCa(state)))
                    .routes(List.of(
                            // control: the operator says this loopback upstream is internal
                            EgressRoute.builder("api.warm.test").ports(List.of(port)).allowPrivate(true).build(),
                            // the same address without allow_private: the SSRF floor refuses it
                            EgressRoute.builder("floor.warm.test").ports(List.of(port)).build()))
                    .build())) {
                assertThat(gateway.awaitWarmUp(Duration.ofSeconds(60))).as("warm-up finished").isTrue();

                assertThat(handshakes).as("one handshake per upstream context (HTTP/1.1 only, h2 by ALPN)")
                        .containsExactly("api.warm.test", "api.warm.test");
                assertThat(requestBytes.get()).as("no request, no credential: only the handshake").isZero();
                assertThat(gateway.readAudit()).as("no bottle asked for anything").isEmpty();
            }
        }
    }

    /** A TLS upstream noting the SNI of every completed handshake and counting the bytes sent to it after. */
    private static void serve(SSLServerSocket server, List<String> handshakes, AtomicLong requestBytes) {
        while (!server.isClosed()) {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                handshakes.add(((ExtendedSSLSession) s.getSession()).getRequestedServerNames().stream()
                        .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse("(no SNI)"));
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    requestBytes.addAndGet(n);
                }
            } catch (IOException e) {
                // a peer that went away, or the server closing at the end of the test
            }
        }
    }
}

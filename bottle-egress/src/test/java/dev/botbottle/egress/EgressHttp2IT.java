package dev.botbottle.egress;

import dev.botbottle.egress.testing.GrpcUpstream;
import dev.botbottle.egress.testing.H2Client;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.RouteAuth;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * HTTP/2 from the bottle (ALPN {@code h2}) inside intercepted tunnels, on loopback against real TLS upstreams: an
 * HTTP/1.1 upstream (the JDK's server) and a gRPC-shaped HTTP/2 upstream that ends calls with trailers. Every rule
 * applies per stream; the attacks HTTP/2 adds (another {@code :authority}, a second one, uppercase names,
 * CONTINUATION and RST_STREAM floods) each start with the allowed path working. Runs on the native engines where
 * they load; {@link EgressHttp2JdkEnginesIT} runs it on the JDK's.
 */
class EgressHttp2IT {

    static final String TOKEN = "real-token-4f9a1c2e8b7d";
    static final String GH = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    static final String API = "api.example.test";
    static final String GRPC = "grpc.example.test";
    static final String OTHER = "other.example.test";

    static TestPki pki;
    static LoopbackUpstream upstream;
    static GrpcUpstream grpc;
    static Path caFile;

    @TempDir
    Path state;
    @TempDir
    static Path shared;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void upstreams() {
        pki = TestPki.create("egress-h2-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(API, OTHER), 4);
        grpc = GrpcUpstream.start(pki, List.of(GRPC));
        caFile = pki.writeCa(shared);
    }

    @AfterAll
    static void stop() {
        upstream.close();
        grpc.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        upstream.drain();
        grpc.drain();
    }

    /** @return the options under test (the JDK engines' subclass turns the native ones off) */
    EgressOptions options() {
        return EgressOptions.defaults();
    }

    EgressGateway start(List<EgressRoute> routes) {
        EgressOptions o = options().withResolver((host, port) ->
                new InetSocketAddress("127.0.0.1", host.equals(GRPC) ? grpc.port() : upstream.port()));
        EgressGateway g = new EgressGatewayProvider(o).start(new GatewayRequest("h2-abc12", "127.0.0.1", 0, state,
                routes, List.of(), CredentialSource.fromEnvironment(Map.of("API_TOKEN", TOKEN)), List.of(caFile),
                ProgressListener.NONE));
        open.add(g);
        return g;
    }

    static EgressRoute auth(String host) {
        return EgressRoute.withAuth(host, new RouteAuth("Bearer", "API_TOKEN")).toBuilder().allowPrivate(true).build();
    }

    H2Client h2(EgressGateway g, String host) throws Exception {
        H2Client c = H2Client.open(g.port(), host, 443, g.proxyAuthorization(), TestPki.clientTrusting(
                g.caCertificatePem()));
        assertThat(c).as("the gateway chose h2 by ALPN").isNotNull();
        open.add(c);
        return c;
    }

    @Test
    void stoppingTheGatewayEndsTheBottlesOpenConnection() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("GET", API, "/before-stop"), true);
        assertThat(c.await(1).status()).as("control: the connection carries a request").isEqualTo(200);
        assertThat(upstream.take().path()).isEqualTo("/before-stop");

        g.close();
        assertThatCode(c::readToEnd).as("the bottle's connection ends when its gateway stops")
                .doesNotThrowAnyException();
    }

    @Test
    void streamsReachAnHttp11UpstreamWithTheCredentialInjectedAndTheBottlesOwnDropped() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("GET", API, "/one").add("authorization", "Bearer placeholder"), true);
        H2Client.Reply r = c.await(1);
        assertThat(r.status()).isEqualTo(200);
        LoopbackUpstream.Received got = upstream.take();
        assertThat(got.path()).isEqualTo("/one");
        assertThat(got.headers()).containsEntry("authorization", "Bearer " + TOKEN).doesNotContainKey("x-http2-scheme")
                .doesNotContainKey("x-http2-stream-id");
        // a second stream on the same connection, with a body
        c.headers(3, H2Client.request("POST", API, "/two").add("content-type", "text/plain"), false);
        c.data(3, "hello".getBytes(StandardCharsets.UTF_8), true);
        assertThat(c.await(3).status()).isEqualTo(200);
        assertThat(upstream.take().bodyText()).isEqualTo("hello");
        assertThat(g.readAudit()).filteredOn(e -> e.verdict() == EgressAuditEntry.Verdict.ALLOW)
                .extracting(EgressAuditEntry::path).contains("/one", "/two");
    }

    @Test
    void trailersOfAGrpcCallArriveEndToEndAndTheEchoedCredentialIsReplaced() throws Exception {
        EgressGateway g = start(List.of(auth(GRPC)));
        H2Client c = h2(g, GRPC);
        Http2Headers call = H2Client.request("POST", GRPC, "/demo.Echo/Ping").add("content-type", "application/grpc")
                .add("te", "trailers");
        c.headers(1, call, false);
        c.data(1, "ping".getBytes(StandardCharsets.UTF_8), true);
        H2Client.Reply r = c.await(1);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.trailers()).as("trailers").isNotNull();
        assertThat(r.trailers().get("grpc-status").toString()).isEqualTo("0");
        assertThat(r.trailers().get("grpc-message").toString()).isEqualTo("ok");
        assertThat(r.trailers().get("x-seen-authorization").toString()).doesNotContain(TOKEN);
        assertThat(new String(r.body(), 5, r.body().length - 5, StandardCharsets.UTF_8)).isEqualTo("pong:ping");
        GrpcUpstream.Received got = grpc.take();
        assertThat(got.headers()).containsEntry("authorization", "Bearer " + TOKEN)
                .containsEntry(":authority", GRPC).containsEntry("te", "trailers");
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("ping");
    }

    @Test
    void aStreamToAnotherAuthorityIsDeniedWhileTheConnectionsOtherStreamsPass() throws Exception {
        EgressGateway g = start(List.of(auth(API), EgressRoute.builder(OTHER).allowPrivate(true).build()));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("GET", API, "/ok"), true);
        assertThat(c.await(1).status()).isEqualTo(200);
        upstream.take();
        // OTHER is a route too, but not this tunnel's host: the credential of API must never go there
        c.headers(3, H2Client.request("GET", OTHER, "/steal"), true);
        H2Client.Reply r = c.await(3);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).contains("differs from the tunnel's host");
        c.headers(5, H2Client.request("GET", API, "/still-ok"), true);
        assertThat(c.await(5).status()).isEqualTo(200);
        assertThat(upstream.take().path()).isEqualTo("/still-ok");
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void aSecondAuthorityOrAHostBesideItNeverReachesTheUpstream() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("GET", API, "/ok"), true);
        assertThat(c.await(1).status()).isEqualTo(200);
        upstream.take();
        c.headers(3, H2Client.request("GET", API, "/twice").add(":authority", OTHER), true);
        H2Client.Reply twice = c.await(3);
        assertThat(twice.status()).as("a repeated pseudo-header is malformed").isNotEqualTo(200);
        H2Client beside = h2(g, API);
        beside.headers(1, H2Client.request("GET", API, "/beside").add("host", OTHER), true);
        H2Client.Reply r = beside.await(1);
        assertThat(r.status()).isIn(0, 400, 403);
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void uppercaseHeaderNamesAreRefusedAndTheConnectionGoesOn() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("GET", API, "/ok").add("x-fine", "1"), true);
        assertThat(c.await(1).status()).isEqualTo(200);
        upstream.take();
        c.headers(3, H2Client.request("GET", API, "/upper").add("Authorization", "Bearer mine"), true);
        H2Client.Reply r = c.await(3);
        assertThat(r.status()).isNotEqualTo(200);
        assertThat(r.resetCode() >= 0 || r.goAwayCode() >= 0).as("stream reset or connection ended").isTrue();
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void aDlpFindingInOneStreamBlocksThatStreamOnly() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("POST", API, "/clean"), false);
        c.data(1, "nothing secret".getBytes(StandardCharsets.UTF_8), true);
        assertThat(c.await(1).status()).isEqualTo(200);
        upstream.take();
        c.headers(3, H2Client.request("POST", API, "/leak"), false);
        c.data(3, ("token=" + GH).getBytes(StandardCharsets.UTF_8), true);
        H2Client.Reply r = c.await(3);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).contains("github-token");
        c.headers(5, H2Client.request("GET", API, "/after"), true);
        assertThat(c.await(5).status()).isEqualTo(200);
        assertThat(upstream.take().path()).isEqualTo("/after");
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void aContinuationFloodEndsTheConnectionAndAFreshOneWorks() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("GET", API, "/ok"), true);
        assertThat(c.await(1).status()).isEqualTo(200);
        upstream.take();
        byte[] block = c.encode(3, H2Client.request("GET", API, "/flood"));
        c.frame(H2Client.HEADERS, 0, 3, block); // no END_HEADERS: CONTINUATION must follow
        boolean cut = false;
        try {
            for (int i = 0; i < 100_000; i++) {
                c.frame(H2Client.CONTINUATION, 0, 3, new byte[] {0x40, 0x01, 'x', 0x01, 'y'}); // literal x: y
            }
        } catch (java.io.IOException e) {
            cut = true; // the gateway closed the connection while the flood was still being written
        }
        assertThat(cut || c.closedByPeer()).as("the gateway ended the connection").isTrue();
        H2Client fresh = h2(g, API);
        fresh.headers(1, H2Client.request("GET", API, "/fresh"), true);
        assertThat(fresh.await(1).status()).isEqualTo(200);
        assertThat(upstream.take().path()).isEqualTo("/fresh");
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void aRapidResetFloodEndsTheConnectionAndAFreshOneWorks() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        H2Client c = h2(g, API);
        c.headers(1, H2Client.request("GET", API, "/ok"), true);
        assertThat(c.await(1).status()).isEqualTo(200);
        upstream.take();
        upstream.recording(false);
        boolean cut = false;
        try {
            for (int i = 0; i < 2_000; i++) {
                int id = 3 + 2 * i;
                c.headers(id, H2Client.request("GET", API, "/r" + i), true);
                c.reset(id);
            }
        } catch (java.io.IOException e) {
            cut = true;
        }
        assertThat(cut || c.closedByPeer()).as("the gateway ended the connection").isTrue();
        upstream.recording(true);
        H2Client fresh = h2(g, API);
        fresh.headers(1, H2Client.request("GET", API, "/fresh"), true);
        assertThat(fresh.await(1).status()).isEqualTo(200);
    }
}

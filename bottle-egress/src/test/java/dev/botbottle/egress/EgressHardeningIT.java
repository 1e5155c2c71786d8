package dev.botbottle.egress;

import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.ProxyClient;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.egress.testing.WebSocketUpstream;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway against what agents need (WebSocket, server-sent events) and what attackers try (no proxy secret, an
 * upstream on a private address, ambiguous requests, an echoing upstream, encoded secrets, too many connections),
 * on loopback against real TLS upstreams that record what they received. Each group starts with its control.
 */
class EgressHardeningIT {

    static {
        System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }

    static final String TOKEN = "real-token-4f9a1c2e8b7d";
    static final String API = "api.example.test";
    static final String OPEN = "open.example.test";
    static final String WS = "ws.example.test";

    static TestPki pki;
    static LoopbackUpstream upstream;
    static WebSocketUpstream ws;
    static Path caFile;

    @TempDir
    Path state;
    @TempDir
    static Path shared;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void upstreams() {
        pki = TestPki.create("egress-hardening-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(API, OPEN), 4);
        ws = WebSocketUpstream.start(pki, List.of(WS));
        caFile = pki.writeCa(shared);
    }

    @AfterAll
    static void stop() {
        upstream.close();
        ws.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        upstream.drain();
    }

    static EgressRoute internal(EgressRoute r) {
        return r.toBuilder().allowPrivate(true).build();
    }

    static EgressRoute authRoute(String host) {
        return EgressRoute.withAuth(host, new RouteAuth("Bearer", "API_TOKEN")).toBuilder().allowPrivate(true).build();
    }

    EgressGateway start(List<EgressRoute> routes) {
        return start(routes, EgressLimits.defaults());
    }

    EgressGateway start(List<EgressRoute> routes, EgressLimits limits) {
        EgressOptions options = EgressOptions.defaults().withLimits(limits).withResolver((host, port) ->
                new InetSocketAddress("127.0.0.1", host.equals(WS) ? ws.port() : upstream.port()));
        EgressGateway g = new EgressGatewayProvider(options).start(new GatewayRequest("hard-abc12", "127.0.0.1", 0,
                state, routes, List.of(), CredentialSource.fromEnvironment(Map.of("API_TOKEN", TOKEN)),
                List.of(caFile), ProgressListener.NONE));
        open.add(g);
        return g;
    }

    HttpClient client(EgressGateway g) {
        String user = new String(Base64.getDecoder().decode(g.proxyAuthorization().substring(6)));
        java.net.Authenticator auth = new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                return new java.net.PasswordAuthentication(user.substring(0, user.indexOf(':')),
                        user.substring(user.indexOf(':') + 1).toCharArray());
            }
        };
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).authenticator(auth)
                .sslContext(TestPki.clientTrusting(g.caCertificatePem()))
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", g.port()))).build();
    }

    /** One request inside an intercepted tunnel, written by hand. */
    static ProxyClient.Response inTunnel(EgressGateway g, String host, String request) throws Exception {
        try (Socket tunnel = (Socket) ProxyClient.connect(g.port(), host + ":443", g.proxyAuthorization());
             SSLSocket tls = ProxyClient.tls(tunnel, TestPki.clientTrusting(g.caCertificatePem()), host, host)) {
            return ProxyClient.exchange(tls, request);
        }
    }

    /** Denials, without the 407 challenges the JDK client needs before it sends its proxy credential. */
    static List<EgressAuditEntry> denials(EgressGateway g) {
        return g.readAudit().stream().filter(e -> e.verdict() == EgressAuditEntry.Verdict.DENY && e.status() != 407)
                .toList();
    }

    // --- a gateway only its bottle can use -------------------------------------------------------------------

    @Test
    void onlyAClientWithTheBottlesProxySecretGetsThrough() throws Exception {
        EgressGateway g = start(List.of(authRoute(API)));
        Object ok = ProxyClient.connect(g.port(), API + ":443", g.proxyAuthorization());
        assertThat(ok).isInstanceOf(Socket.class);
        ((Socket) ok).close();

        for (String wrong : new String[] {null, "Basic " + Base64.getEncoder().encodeToString("bottle:guess".getBytes()),
                "Bearer " + TOKEN}) {
            ProxyClient.Response r = (ProxyClient.Response) ProxyClient.connect(g.port(), API + ":443", wrong);
            assertThat(r.status()).isEqualTo(407);
            assertThat(r.head()).containsIgnoringCase("Proxy-Authenticate: Basic");
        }
        try (Socket s = new Socket("127.0.0.1", g.port())) {
            ProxyClient.Response r = ProxyClient.exchange(s, "GET http://" + OPEN + "/ HTTP/1.1\r\nHost: " + OPEN
                    + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(407);
        }
        assertThat(upstream.drain()).isEmpty();
        assertThat(g.readAudit()).hasSize(4).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(407);
            assertThat(e.reason()).contains("proxy credential");
        });
    }

    // --- SSRF floor ------------------------------------------------------------------------------------------

    @Test
    void anUpstreamOnALoopbackAddressIsRefusedUnlessTheRouteAllowsPrivate() throws Exception {
        EgressGateway g = start(List.of(internal(EgressRoute.allow(OPEN)), EgressRoute.allow(API),
                new EgressRoute("pass.example.test", Optional.empty(), List.of(), true, List.of(), DlpPolicy.DEFAULT)));
        assertThat(inTunnel(g, OPEN, "GET / HTTP/1.1\r\nHost: " + OPEN + "\r\n\r\n").status()).isEqualTo(200);

        ProxyClient.Response r = inTunnel(g, API, "GET /x HTTP/1.1\r\nHost: " + API + "\r\n\r\n");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("127.0.0.1").contains("loopback").contains("allow_private");
        // a passthrough tunnel is refused before any byte reaches the upstream
        Socket pass = (Socket) ProxyClient.connect(g.port(), "pass.example.test:443", g.proxyAuthorization());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProxyClient.tls(pass,
                TestPki.clientTrusting(pki.caPem()), "pass.example.test", "pass.example.test"))
                .isInstanceOf(java.io.IOException.class);
        pass.close();
        assertThat(upstream.take().path()).isEqualTo("/");
        assertThat(upstream.drain()).isEmpty();
        assertThat(EgressGatewayIT.awaitAudit(g, 3)).filteredOn(e -> e.verdict() == EgressAuditEntry.Verdict.DENY)
                .hasSize(2).allSatisfy(e -> assertThat(e.reason()).contains("upstream address 127.0.0.1"));
    }

    // --- request ambiguity -----------------------------------------------------------------------------------

    @Test
    void ambiguousRequestsAreRefused() throws Exception {
        EgressGateway g = start(List.of(authRoute(API), internal(EgressRoute.allow(OPEN))));
        assertThat(inTunnel(g, API, "GET /a HTTP/1.1\r\nHost: " + API + "\r\n\r\n").status()).isEqualTo(200);
        upstream.take();

        assertThat(inTunnel(g, API, "GET /a HTTP/1.1\r\nHost: " + API + "\r\nHost: " + OPEN + "\r\n\r\n").status())
                .isEqualTo(400);
        assertThat(inTunnel(g, API, "GET /a#/../b HTTP/1.1\r\nHost: " + API + "\r\n\r\n").status()).isEqualTo(400);
        assertThat(inTunnel(g, API, "POST /a HTTP/1.1\r\nHost: " + API
                + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n").status()).isIn(400, 501);
        try (Socket s = new Socket("127.0.0.1", g.port())) {
            ProxyClient.Response r = ProxyClient.exchange(s, "GET http://" + OPEN + "/ HTTP/1.1\r\nHost: " + API
                    + "\r\nProxy-Authorization: " + g.proxyAuthorization() + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("differs from the request target");
        }
        assertThat(upstream.drain()).isEmpty();
        assertThat(denials(g)).hasSizeGreaterThanOrEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/repos/acme-evil/hooks", "/repos/acme/%2e%2e/evil", "/repos/acme/..;/evil",
            "/repos/acme%2f..%2fevil", "/repos/acme/%252e%252e/evil", "/repos/acme/..%5cevil", "/repos/acme\\..\\evil"})
    void pathsThatAPrefixCannotJudgeAreRefused(String path) throws Exception {
        EgressRoute r = new EgressRoute(API, Optional.of(new RouteAuth("Bearer", "API_TOKEN")), List.of(new RouteMatch(
                List.of(new PathMatch(PathMatch.Type.PREFIX, "/repos/acme")), List.of("GET"))), false, List.of(),
                DlpPolicy.DEFAULT, true);
        EgressGateway g = start(List.of(r));
        assertThat(inTunnel(g, API, "GET /repos/acme/widgets HTTP/1.1\r\nHost: " + API + "\r\n\r\n").status())
                .isEqualTo(200);
        assertThat(upstream.take().headers()).containsEntry("authorization", "Bearer " + TOKEN);

        ProxyClient.Response denied = inTunnel(g, API, "GET " + path + " HTTP/1.1\r\nHost: " + API + "\r\n\r\n");
        assertThat(denied.status()).as(path).isIn(400, 403);
        assertThat(upstream.drain()).isEmpty();
        assertThat(denials(g)).singleElement().satisfies(e -> assertThat(e.verdict())
                .isEqualTo(EgressAuditEntry.Verdict.DENY));
    }

    // --- credential echo -------------------------------------------------------------------------------------

    @Test
    void anEchoingUpstreamNeverHandsTheAgentTheRealCredential() throws Exception {
        EgressGateway g = start(List.of(authRoute(API)));
        HttpResponse<String> r = client(g).send(HttpRequest.newBuilder(URI.create("https://" + API + "/echo"))
                .header("Authorization", "Bearer placeholder").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upstream.take().headers()).containsEntry("authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("authorization: Bearer ").doesNotContain(TOKEN);
        assertThat(r.headers().firstValue("X-Echo-Authorization")).hasValueSatisfying(v ->
                assertThat(v).startsWith("Bearer ").doesNotContain(TOKEN));
        assertThat(g.readAudit()).anySatisfy(e -> assertThat(e.reason()).contains("echoed"));

        ProxyClient.Response trace = inTunnel(g, API, "TRACE / HTTP/1.1\r\nHost: " + API + "\r\n\r\n");
        assertThat(trace.status()).isEqualTo(403);
        assertThat(trace.body()).contains("TRACE");
        assertThat(upstream.drain()).isEmpty();
    }

    // --- DLP through encodings -------------------------------------------------------------------------------

    @Test
    void secretsAreFoundThroughEncodingsCompressionHeaderNamesAndQueries() throws Exception {
        EgressGateway g = start(List.of(authRoute(API), internal(EgressRoute.allow(OPEN))));
        HttpClient c = client(g);
        String url = "https://" + OPEN + "/paste";
        assertThat(c.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(
                "an ordinary body")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        upstream.take();

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(("leak " + TOKEN).getBytes(StandardCharsets.UTF_8));
        }
        List<HttpRequest> attempts = List.of(
                HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(
                        Base64.getEncoder().encodeToString(("x" + TOKEN).getBytes()))).build(),
                HttpRequest.newBuilder(URI.create(url + "?h=" + HexFormat.of().formatHex(TOKEN.getBytes()))).build(),
                HttpRequest.newBuilder(URI.create(url + "?p=" + pct(TOKEN))).build(),
                HttpRequest.newBuilder(URI.create(url)).header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(),
                HttpRequest.newBuilder(URI.create(url)).header("X-" + TOKEN, "1").build());
        for (HttpRequest a : attempts) {
            HttpResponse<String> r = c.send(a, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(a.uri().toString()).isEqualTo(403);
            assertThat(r.body()).contains("bottle-credential:API_TOKEN").doesNotContain(TOKEN);
        }
        assertThat(upstream.drain()).isEmpty();
        assertThat(denials(g)).hasSize(attempts.size());
    }

    static String pct(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append('%').append(String.format("%02X", x));
        }
        return b.toString();
    }

    // --- bounded resources -----------------------------------------------------------------------------------

    @Test
    void connectionsBeyondTheCapAreClosedAndAudited() throws Exception {
        EgressGateway g = start(List.of(internal(EgressRoute.allow(OPEN))), EgressLimits.defaults()
                .withMaxConnections(3));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Object s = ProxyClient.connect(g.port(), OPEN + ":443", g.proxyAuthorization());
            assertThat(s).isInstanceOf(Socket.class);
            held.add((Socket) s);
        }
        try (Socket extra = new Socket("127.0.0.1", g.port())) {
            extra.setSoTimeout(10_000);
            assertThat(extra.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(denials(g)).anySatisfy(e -> assertThat(e.reason()).contains("3 open connections"));
        for (Socket s : held) {
            s.close();
        }
    }

    @Test
    void tooManyHeadersAndASlowRequestHeadAreRefused() throws Exception {
        EgressGateway g = start(List.of(internal(EgressRoute.allow(OPEN))), EgressLimits.defaults()
                .withHeadTimeout(Duration.ofMillis(300)));
        assertThat(inTunnel(g, OPEN, "GET / HTTP/1.1\r\nHost: " + OPEN + "\r\n\r\n").status()).isEqualTo(200);
        upstream.take();
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: " + OPEN + "\r\n");
        for (int i = 0; i < 300; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(inTunnel(g, OPEN, many + "\r\n").status()).isEqualTo(431);
        try (Socket slow = new Socket("127.0.0.1", g.port())) {
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write("CONNECT open.exa".getBytes(StandardCharsets.US_ASCII));
            assertThat(slow.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(upstream.drain()).isEmpty();
        assertThat(g.readAudit()).anySatisfy(e -> assertThat(e.status()).isEqualTo(408))
                .anySatisfy(e -> assertThat(e.status()).isEqualTo(431));
    }

    // --- what agents need ------------------------------------------------------------------------------------

    @Test
    void aWebSocketRelaysFramesBothWaysWithTheCredentialInjectedAndNeverEchoed() throws Exception {
        EgressGateway g = start(List.of(authRoute(WS)));
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = client(g).newWebSocketBuilder().header("Authorization", "Bearer placeholder")
                .buildAsync(URI.create("wss://" + WS + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        got.add(data.toString());
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                        closed.complete(status);
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
        assertThat(ws.takeUpgrade().get("authorization")).isEqualTo("Bearer " + TOKEN);
        socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
        socket.sendText("whoami", true).get(10, TimeUnit.SECONDS);
        assertThat(got.poll(10, TimeUnit.SECONDS)).startsWith("Bearer ").doesNotContain(TOKEN);
        assertThat(ws.takeMessage()).isEqualTo("hello");
        ws.takeMessage();

        socket.sendText("key AKIAIOSFODNN7EXAMPLE", true).get(10, TimeUnit.SECONDS);
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(ws.drainMessages()).isEmpty();
        assertThat(EgressGatewayIT.awaitAudit(g, 2)).anySatisfy(e -> {
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
            assertThat(e.reason()).contains("aws-access-key-id").contains("WebSocket");
        });
    }

    @Test
    void serverSentEventsReachTheClientBeforeTheUpstreamFinishes() throws Exception {
        EgressGateway g = start(List.of(authRoute(API)));
        HttpResponse<InputStream> r = client(g).send(HttpRequest.newBuilder(URI.create("https://" + API + "/sse"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            byte[] first = in.readNBytes("data: one\n\n".length());
            // the upstream is still holding its second event: it sends it only after this line
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("data: one\n\n");
            upstream.releaseSse();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: two\n\n");
        }
    }

    // --- streamed bodies -------------------------------------------------------------------------------------

    static byte[] body(int size, String secret, int at) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) 'a');
        if (secret != null) {
            byte[] sb = (" " + secret + " ").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(sb, 0, b, at, sb.length);
        }
        return b;
    }

    @Test
    void aLargeUploadStreamsThroughAndASecretSplitAcrossChunksStopsIt() throws Exception {
        EgressGateway g = start(List.of(authRoute(API), internal(EgressRoute.allow(OPEN))));
        HttpClient c = client(g);
        int size = 40 * 1024 * 1024;
        HttpResponse<String> ok = c.send(HttpRequest.newBuilder(URI.create("https://" + OPEN + "/up"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(size, null, 0))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(upstream.take().body()).hasSize(size);

        // the token straddles a 16 KiB boundary well past the buffer
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://" + OPEN + "/up"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(size, TOKEN, 20 * 1024 * 1024 - 7))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("bottle-credential:API_TOKEN").doesNotContain(TOKEN);
        assertThat(upstream.drain()).isEmpty();
        assertThat(denials(g)).singleElement().satisfies(e -> assertThat(e.reason()).contains("streamed"));
    }

    @Test
    void aStreamedBodyIsRedactedKeepingItsLengthAndACompressedOneIsSeenInto() throws Exception {
        EgressRoute redact = EgressRoute.builder(API).dlp(new DlpPolicy(DlpPolicy.Action.REDACT, true))
                .allowPrivate(true).build();
        EgressGateway g = start(List.of(redact, internal(EgressRoute.allow(OPEN))));
        HttpClient c = client(g);
        String gh = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
        int size = 3 * 1024 * 1024;
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://" + API + "/up"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(size, gh, 2 * 1024 * 1024))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        LoopbackUpstream.Received got = upstream.take();
        assertThat(got.body()).hasSize(size);
        assertThat(got.bodyText()).doesNotContain(gh).contains("[REDACTED:github-token]");

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            // random-ish text compresses poorly, so the compressed body is past the buffer too
            java.util.Random rnd = new java.util.Random(7);
            for (int i = 0; i < 2 * 1024 * 1024; i++) {
                z.write('a' + rnd.nextInt(26));
            }
            z.write((" " + gh + " ").getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(gz.size()).isGreaterThan(1024 * 1024);
        HttpResponse<String> zr = c.send(HttpRequest.newBuilder(URI.create("https://" + OPEN + "/up"))
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(zr.statusCode()).as(g.readAudit().toString()).isEqualTo(403);
        assertThat(zr.body()).contains("github-token (gzip body)");
        assertThat(upstream.drain()).isEmpty();
    }
}
